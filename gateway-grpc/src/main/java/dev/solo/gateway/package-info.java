/**
 * The gRPC gateway (DESIGN.md §9): the server's lifecycle with mutual TLS, the interceptors that
 * authenticate the caller and check its permission, the load shedder in front of every service
 * call, and the implementations of {@code solo.v1.Solo} and {@code solo.v1.Admin}. Only this
 * package turns outcomes into {@link io.grpc.Status}, and it never sends exception text or stack
 * traces to a client.
 */
package dev.solo.gateway;
