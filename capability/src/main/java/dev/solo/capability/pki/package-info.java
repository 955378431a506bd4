/**
 * Solo's private certificate authority (DESIGN.md §7): the CA and server certificate on disk, and
 * the client certificates whose common name names the principal, {@code admin} or
 * {@code tenant:NAME}.
 */
package dev.solo.capability.pki;
