package dev.bluegreen.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The test certificates under {@code src/test/resources/tls} (self-signed EC P-256, valid for 100 years):
 * {@code proxy} and {@code backend} name {@code localhost} and {@code 127.0.0.1}; {@code other-host} names only
 * {@code other.example}. Plus clients that trust them and a TLS backend.
 */
final class TlsFixtures {

    private TlsFixtures() {
    }

    static Path resource(String name) {
        try {
            return Path.of(TlsFixtures.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The proxy's listener settings, from the PEM files. */
    static TlsSettings proxyTls() {
        return TlsSettings.fromPem(resource("proxy.crt"), resource("proxy.key"));
    }

    /** A Netty client context that trusts the proxy's certificate and offers {@code alpn}. */
    static SslContext clientContext(String... alpn) {
        try {
            return SslContextBuilder.forClient()
                    .trustManager(resource("proxy.crt").toFile())
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, List.of(alpn)))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JDK client context that trusts the proxy's certificate. */
    static SSLContext jdkClientContext() {
        try (InputStream in = java.nio.file.Files.newInputStream(resource("proxy.crt"))) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("proxy", cert);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An HTTP/1.1 backend over TLS with the certificate {@code name} ({@code backend} or {@code other-host}): it
     * answers every request with 200 and the body {@code tls-backend}.
     */
    static final class TlsBackend implements AutoCloseable {

        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final Channel server;

        TlsBackend(String name) {
            this(name, null);
        }

        /**
         * As {@link #TlsBackend(String)}, requiring a client certificate that {@code trustedClients} (a PEM file of
         * certificates) trusts, when not {@code null}.
         */
        TlsBackend(String name, Path trustedClients) {
            SslContext tls;
            try {
                SslContextBuilder builder = SslContextBuilder.forServer(resource(name + ".crt").toFile(),
                        resource(name + ".key").toFile());
                if (trustedClients != null) {
                    builder.trustManager(trustedClients.toFile()).clientAuth(ClientAuth.REQUIRE);
                }
                tls = builder.build();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()), new HttpServerCodec(),
                                    new HttpObjectAggregator(1 << 20),
                                    new SimpleChannelInboundHandler<FullHttpRequest>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
                                            FullHttpResponse response = new DefaultFullHttpResponse(
                                                    HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                                    ByteBufUtil.writeUtf8(ctx.alloc(), "tls-backend"));
                                            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH,
                                                    response.content().readableBytes());
                                            ctx.writeAndFlush(response);
                                        }
                                    });
                        }
                    })
                    .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        }

        int port() {
            return ((java.net.InetSocketAddress) server.localAddress()).getPort();
        }

        @Override
        public void close() {
            server.close().awaitUninterruptibly(5_000);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
        }
    }
}
