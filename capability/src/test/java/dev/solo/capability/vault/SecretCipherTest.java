package dev.solo.capability.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.protobuf.ByteString;
import dev.solo.proto.state.v1.SecretStored;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sealing binds a value to its master key, tenant and name; anything else fails to open it. */
class SecretCipherTest {
  private static final byte[] VALUE = "s3cr3t-p@ssw0rd".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private SecretCipher cipher;

  @BeforeEach
  void createKey() throws IOException {
    cipher = new SecretCipher(MasterKey.loadOrCreate(dir.resolve("master.key")));
  }

  @Test
  void sealedValueOpensWithItsTenantAndName() {
    SecretStored sealed = cipher.seal("acme", "db-password", VALUE, 1234);

    assertArrayEquals(VALUE, cipher.open(sealed).orElseThrow());
    assertEquals("acme", sealed.getTenant());
    assertEquals("db-password", sealed.getName());
    assertEquals(1234, sealed.getTimeUnixMs());
  }

  @Test
  void sealedFormHasSaltNonceAndTagButNotTheValue() {
    SecretStored sealed = cipher.seal("acme", "db-password", VALUE, 0);

    assertEquals(16, sealed.getSalt().size());
    assertEquals(12, sealed.getNonce().size());
    assertEquals(VALUE.length + 16, sealed.getCiphertext().size(), "the ciphertext carries a 128-bit tag");
    assertEquals(-1, sealed.toByteString().toStringUtf8().indexOf("s3cr3t"));
  }

  @Test
  void everySealUsesAFreshSaltAndNonce() {
    SecretStored first = cipher.seal("acme", "db-password", VALUE, 0);
    SecretStored second = cipher.seal("acme", "db-password", VALUE, 0);

    assertNotEquals(first.getSalt(), second.getSalt());
    assertNotEquals(first.getNonce(), second.getNonce());
    assertNotEquals(first.getCiphertext(), second.getCiphertext());
  }

  @Test
  void ciphertextMovedToAnotherTenantDoesNotOpen() {
    SecretStored sealed = cipher.seal("acme", "db-password", VALUE, 0);

    assertEquals(Optional.empty(), cipher.open(sealed.toBuilder().setTenant("globex").build()));
  }

  @Test
  void ciphertextMovedToAnotherNameDoesNotOpen() {
    SecretStored sealed = cipher.seal("acme", "db-password", VALUE, 0);

    assertEquals(Optional.empty(), cipher.open(sealed.toBuilder().setName("api-key").build()));
  }

  @Test
  void tenantAndNameCannotBeShiftedIntoEachOther() {
    SecretStored sealed = cipher.seal("acme", "db", VALUE, 0);

    assertEquals(Optional.empty(), cipher.open(sealed.toBuilder().setTenant("acmed").setName("b").build()));
  }

  @Test
  void ciphertextDoesNotOpenUnderAnotherMasterKey() throws IOException {
    SecretStored sealed = cipher.seal("acme", "db-password", VALUE, 0);
    SecretCipher other = new SecretCipher(MasterKey.loadOrCreate(dir.resolve("other.key")));

    assertEquals(Optional.empty(), other.open(sealed));
  }

  @Test
  void alteredSealDoesNotOpen() {
    SecretStored sealed = cipher.seal("acme", "db-password", VALUE, 0);
    byte[] ciphertext = sealed.getCiphertext().toByteArray();
    ciphertext[0] ^= 1;
    byte[] salt = sealed.getSalt().toByteArray();
    salt[0] ^= 1;
    byte[] nonce = sealed.getNonce().toByteArray();
    nonce[0] ^= 1;

    assertEquals(Optional.empty(), cipher.open(sealed.toBuilder().setCiphertext(ByteString.copyFrom(ciphertext)).build()));
    assertEquals(Optional.empty(), cipher.open(sealed.toBuilder().setSalt(ByteString.copyFrom(salt)).build()));
    assertEquals(Optional.empty(), cipher.open(sealed.toBuilder().setNonce(ByteString.copyFrom(nonce)).build()));
    assertEquals(Optional.empty(), cipher.open(sealed.toBuilder().setNonce(ByteString.EMPTY).build()));
    assertEquals(Optional.empty(), cipher.open(sealed.toBuilder().setCiphertext(ByteString.EMPTY).build()));
  }
}
