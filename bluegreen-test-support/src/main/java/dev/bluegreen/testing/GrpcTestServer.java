package dev.bluegreen.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.Attributes;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC server (grpc-java, h2c or TLS) on 127.0.0.1, port 0, for tests of gRPC through the proxy. Its service
 * {@value #SERVICE} carries opaque bytes (a byte-array marshaller, no generated code) and answers with the server's
 * name, so a test sees which backend served each call:
 * <ul>
 *   <li>{@link #WHICH} (unary): the name;</li>
 *   <li>{@link #COUNT} (server streaming): the request is {@code "n,intervalMillis"}; the name n times, one every
 *       interval;</li>
 *   <li>{@link #HOLD} (server streaming): the name once, then the call stays open until the client or the proxy
 *       ends it;</li>
 *   <li>{@link #STALL} (unary): never answers.</li>
 * </ul>
 * The standard health service ({@code grpc.health.v1.Health}, grpc-java's {@link HealthStatusManager}) answers for
 * the server ({@code ""}) and for {@value #SERVICE}, {@code SERVING} until told otherwise. The server counts the
 * connections it accepted and the most calls it had at once on one connection.
 */
public final class GrpcTestServer implements AutoCloseable {

    /** The test service's name. */
    public static final String SERVICE = "bluegreen.test.Colours";

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** Unary: answers the server's name. */
    public static final MethodDescriptor<byte[], byte[]> WHICH = method("Which", MethodDescriptor.MethodType.UNARY);
    /** Server streaming: {@code "n,intervalMillis"} → the name n times, one every interval. */
    public static final MethodDescriptor<byte[], byte[]> COUNT = method("Count",
            MethodDescriptor.MethodType.SERVER_STREAMING);
    /** Server streaming: the name once, then open until cancelled. */
    public static final MethodDescriptor<byte[], byte[]> HOLD = method("Hold",
            MethodDescriptor.MethodType.SERVER_STREAMING);
    /** Unary: never answers. */
    public static final MethodDescriptor<byte[], byte[]> STALL = method("Stall", MethodDescriptor.MethodType.UNARY);

    private final String name;
    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "grpc-test-server-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger activeCalls = new AtomicInteger();
    private final AtomicInteger cancelledCalls = new AtomicInteger();
    private final Map<SocketAddress, AtomicInteger> callsByConnection = new ConcurrentHashMap<>();
    private final AtomicInteger maxCallsOnOneConnection = new AtomicInteger();

    private GrpcTestServer(Builder builder) {
        this.name = builder.name;
        ServerCredentials credentials = builder.certificateChain == null ? InsecureServerCredentials.create()
                : tls(builder.certificateChain, builder.privateKey);
        NettyServerBuilder server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
                .addService(ServerInterceptors.intercept(service(), new CallCounter()))
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public Attributes transportReady(Attributes transportAttrs) {
                        connections.incrementAndGet();
                        return transportAttrs;
                    }
                });
        if (builder.healthService) {
            server.addService(health.getHealthService());
            health.setStatus("", ServingStatus.SERVING);
            health.setStatus(SERVICE, ServingStatus.SERVING);
        }
        if (builder.maxConcurrentCalls > 0) {
            server.maxConcurrentCallsPerConnection(builder.maxConcurrentCalls);
        }
        if (builder.maxConnectionAge != null) {
            server.maxConnectionAge(builder.maxConnectionAge.toMillis(), TimeUnit.MILLISECONDS)
                    .maxConnectionAgeGrace(1, TimeUnit.MINUTES);
        }
        try {
            this.server = server.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the gRPC test server " + name, e);
        }
    }

    private static ServerCredentials tls(File chain, File key) {
        try {
            return TlsServerCredentials.create(chain, key);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + chain + " or " + key, e);
        }
    }

    /** A server named {@code name}, to be configured and started. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A cleartext (h2c) server named {@code name}, with the health service, started. */
    public static GrpcTestServer start(String name) {
        return builder(name).start();
    }

    /** The server's name, what its calls answer. */
    public String name() {
        return name;
    }

    /** The port it listens on, on 127.0.0.1. */
    public int port() {
        return server.getPort();
    }

    /** Whether the health service says SERVING (true) or NOT_SERVING (false), for the server and the service. */
    public void serving(boolean serving) {
        ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus("", status);
        health.setStatus(SERVICE, status);
    }

    /** Connections accepted (HTTP/2 transports ready) since it started. */
    public int connectionsAccepted() {
        return connections.get();
    }

    /** Calls under way now. */
    public int activeCalls() {
        return activeCalls.get();
    }

    /** Calls that ended because the client side cancelled them (or reset their stream). */
    public int cancelledCalls() {
        return cancelledCalls.get();
    }

    /** The most calls it had under way at once on one connection. */
    public int maxCallsOnOneConnection() {
        return maxCallsOnOneConnection.get();
    }

    @Override
    public void close() {
        server.shutdownNow();
        timers.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the client side, for tests ------------------------------------------------------------------------------

    /** A plaintext (h2c with prior knowledge) channel to {@code port} on 127.0.0.1; the caller shuts it down. */
    public static ManagedChannel channel(int port) {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    }

    /** Calls {@link #WHICH} and returns the name of the server that answered. */
    public static String which(Channel channel, Duration deadline) {
        return text(ClientCalls.blockingUnaryCall(channel, WHICH,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), new byte[0]));
    }

    /** The request of {@link #COUNT}. */
    public static byte[] countRequest(int messages, Duration interval) {
        return (messages + "," + interval.toMillis()).getBytes(StandardCharsets.US_ASCII);
    }

    /** A message as text. */
    public static String text(byte[] message) {
        return new String(message, StandardCharsets.UTF_8);
    }

    // ---- the service ---------------------------------------------------------------------------------------------

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    private ServerServiceDefinition service() {
        byte[] answer = name.getBytes(StandardCharsets.UTF_8);
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(WHICH, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(answer);
                    response.onCompleted();
                }))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((request, response) -> {
                    String[] parts = text(request).split(",");
                    count(answer, Integer.parseInt(parts[0]), Long.parseLong(parts[1]), response);
                }))
                .addMethod(HOLD, ServerCalls.asyncServerStreamingCall((request, response) -> response.onNext(answer)))
                .addMethod(STALL, ServerCalls.asyncUnaryCall((request, response) -> {
                    // Never answered: the client's deadline or the proxy ends it.
                }))
                .build();
    }

    /** Sends {@code left} more messages, one every {@code intervalMillis}, on the timer thread. */
    private void count(byte[] answer, int left, long intervalMillis, StreamObserver<byte[]> response) {
        ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) response;
        if (call.isCancelled()) {
            return;
        }
        if (left == 0) {
            call.onCompleted();
            return;
        }
        call.onNext(answer);
        timers.schedule(() -> count(answer, left - 1, intervalMillis, response), intervalMillis,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Counts calls under way, per connection too. A call stops counting when the service closes it, before its
     * trailers are sent: counted at the listener's {@code onComplete}, which grpc-java runs after the trailers went
     * out, a client that starts its next call the moment the last one ended could be seen with one call too many.
     */
    private final class CallCounter implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            SocketAddress connection = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            AtomicInteger onConnection = callsByConnection.computeIfAbsent(connection, c -> new AtomicInteger());
            maxCallsOnOneConnection.accumulateAndGet(onConnection.incrementAndGet(), Math::max);
            activeCalls.incrementAndGet();
            AtomicBoolean ended = new AtomicBoolean();
            Runnable end = () -> {
                if (ended.compareAndSet(false, true)) {
                    onConnection.decrementAndGet();
                    activeCalls.decrementAndGet();
                }
            };
            ServerCall<Q, R> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    end.run();
                    super.close(status, trailers);
                }
            };
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
                    next.startCall(counted, headers)) {
                @Override
                public void onComplete() {
                    end.run();
                    super.onComplete();
                }

                @Override
                public void onCancel() {
                    cancelledCalls.incrementAndGet();
                    end.run();
                    super.onCancel();
                }
            };
        }
    }

    /** How the server is set up; {@link #start()} starts it. */
    public static final class Builder {
        private final String name;
        private File certificateChain;
        private File privateKey;
        private boolean healthService = true;
        private int maxConcurrentCalls;
        private Duration maxConnectionAge;

        private Builder(String name) {
            this.name = name;
        }

        /** Serves TLS (h2 through ALPN) with this PEM chain and PKCS#8 key. */
        public Builder tls(File chain, File key) {
            this.certificateChain = chain;
            this.privateKey = key;
            return this;
        }

        /** Leaves the health service out: a check gets {@code UNIMPLEMENTED}. */
        public Builder withoutHealthService() {
            this.healthService = false;
            return this;
        }

        /** Announces SETTINGS_MAX_CONCURRENT_STREAMS {@code calls}. */
        public Builder maxConcurrentCallsPerConnection(int calls) {
            this.maxConcurrentCalls = calls;
            return this;
        }

        /** Sends GOAWAY on each connection once it is {@code age} old, letting its calls finish (within a minute). */
        public Builder maxConnectionAge(Duration age) {
            this.maxConnectionAge = age;
            return this;
        }

        /** The server, started. */
        public GrpcTestServer start() {
            return new GrpcTestServer(this);
        }
    }
}
