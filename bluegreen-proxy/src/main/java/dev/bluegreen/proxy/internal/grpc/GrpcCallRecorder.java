package dev.bluegreen.proxy.internal.grpc;

/** Where {@link GrpcCallEnd} reports each call's end; called on the stream's event loop. */
@FunctionalInterface
public interface GrpcCallRecorder {

    /**
     * A gRPC call ended.
     *
     * @param status its gRPC status code as the client sees it, 0-16
     * @param source who decided it
     */
    void callEnded(int status, GrpcCallSource source);
}
