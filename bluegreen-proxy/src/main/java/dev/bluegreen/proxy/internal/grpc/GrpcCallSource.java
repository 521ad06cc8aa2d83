package dev.bluegreen.proxy.internal.grpc;

/** Who decided how a gRPC call ended. */
public enum GrpcCallSource {
    /** The backend: its {@code grpc-status}, or what a gRPC client makes of its HTTP status. */
    BACKEND,
    /** The proxy: its own error answer, or a call it cut (the drain deadline, a backend lost mid-call). */
    PROXY,
    /** The client: it reset the stream (cancelled the call), or its connection went away. */
    CLIENT
}
