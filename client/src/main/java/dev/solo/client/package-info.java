/**
 * The Java client SDK for a Solo server: {@link dev.solo.client.Credentials} to read a credentials
 * file, {@link dev.solo.client.SoloClient} to call the server over mutual TLS with a bearer token,
 * typed results as records, and {@link dev.solo.client.SoloException} for every refusal.
 */
package dev.solo.client;
