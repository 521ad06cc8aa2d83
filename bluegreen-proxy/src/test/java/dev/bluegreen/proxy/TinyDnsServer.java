package dev.bluegreen.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server for tests, on UDP {@code 127.0.0.1} and a free port: it answers A queries for one name with an IPv4
 * address the test sets (TTL 1 s), or NXDOMAIN while the name is {@linkplain #unknown() unknown}, or nothing at all
 * while it is {@linkplain #silent() silent}; every other question gets NXDOMAIN, an AAAA for the name an empty answer.
 */
final class TinyDnsServer implements AutoCloseable {

    private final String name;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final AtomicInteger queries = new AtomicInteger();
    private volatile byte[] address;
    private volatile boolean silent;

    private TinyDnsServer(String name) {
        this.name = name.endsWith(".") ? name : name + ".";
        this.channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<NioDatagramChannel>() {
                    @Override
                    protected void initChannel(NioDatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Answers());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
    }

    /** A server that does not know {@code name} yet. */
    static TinyDnsServer start(String name) {
        return new TinyDnsServer(name);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** From now on {@code name} is at {@code ipv4}. */
    TinyDnsServer answer(String ipv4) {
        this.address = NetUtil.createByteArrayFromIpAddressString(ipv4);
        this.silent = false;
        return this;
    }

    /** From now on {@code name} does not exist (NXDOMAIN). */
    TinyDnsServer unknown() {
        this.address = null;
        this.silent = false;
        return this;
    }

    /** From now on no question is answered. */
    TinyDnsServer silent() {
        this.silent = true;
        return this;
    }

    /** How many questions about the name came. */
    int queries() {
        return queries.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Answers extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            boolean ours = question.name().equalsIgnoreCase(name);
            if (ours) {
                queries.incrementAndGet();
            }
            if (ours && silent) {
                return;
            }
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setRecursionAvailable(true);
            response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
            byte[] ip = address;
            if (!ours || ip == null) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            } else if (question.type() == DnsRecordType.A) {
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.A, 1,
                        Unpooled.wrappedBuffer(ip)));
            }
            ctx.writeAndFlush(response);
        }
    }
}
