package dev.bluegreen.testing;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a gRPC call of {@link GrpcTestServer}'s byte-array methods received: its messages as text, in order, and how it
 * ended ({@link Status#OK} when completed, the error's status otherwise). Thread-safe.
 */
public final class RecordedCall implements StreamObserver<byte[]> {

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Status> end = new CompletableFuture<>();

    /** The messages received so far, as {@link GrpcTestServer#text} reads them. */
    public List<String> messages() {
        return messages;
    }

    /** Completes with how the call ended. */
    public CompletableFuture<Status> end() {
        return end;
    }

    @Override
    public void onNext(byte[] value) {
        messages.add(GrpcTestServer.text(value));
    }

    @Override
    public void onError(Throwable t) {
        end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        end.complete(Status.OK);
    }
}
