package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.CapturedLog;
import dev.bluegreen.testing.RawHttpClient;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The proxy on each I/O transport this machine can load, chosen through the builder, with loops that yield after I/O
 * (the default) and with Netty's plain ones: it serves, switches and reports the transport it runs on. (The whole suite
 * runs on the default transport and a subset of it on the others: see the surefire executions in this module's POM.)
 */
class TransportTest {

    static List<IoTransport> availableTransports() {
        List<IoTransport> transports = new ArrayList<>();
        if (IoUring.isAvailable()) {
            transports.add(IoTransport.IO_URING);
        }
        if (Epoll.isAvailable()) {
            transports.add(IoTransport.EPOLL);
        }
        transports.add(IoTransport.NIO);
        return transports;
    }

    @ParameterizedTest
    @MethodSource("availableTransports")
    void proxy_onEachAvailableTransport_servesAndSwitches(IoTransport transport) {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.transport(transport));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            assertThat(fixture.proxy.transport()).isEqualTo(transport);
            assertThat(client.get("/1").header("X-Backend")).isEqualTo("blue-1");

            fixture.admin.switchTo(Colour.GREEN);

            assertThat(client.get("/2").header("X-Backend")).isEqualTo("green-1");
        }
    }

    @ParameterizedTest
    @MethodSource("availableTransports")
    void proxy_withLoopsThatDoNotYield_servesAndSwitches(IoTransport transport) {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.transport(transport).yieldAfterIo(false));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            for (int i = 0; i < 20; i++) {
                assertThat(client.get("/" + i).header("X-Backend")).isEqualTo("blue-1");
            }

            fixture.admin.switchTo(Colour.GREEN);

            assertThat(client.get("/after").header("X-Backend")).isEqualTo("green-1");
        }
    }

    @Test
    void loopsYieldAfterIo_byDefault_andNotWhenToldNot() {
        List<String> logged;
        try (CapturedLog log = CapturedLog.of(BlueGreenProxy.class)) {
            try (ProxyFixture byDefault = ProxyFixture.start()) {
                assertThat(byDefault.port()).isPositive();
            }
            try (ProxyFixture plain = ProxyFixture.start(builder -> builder.yieldAfterIo(false))) {
                assertThat(plain.port()).isPositive();
            }
            logged = log.messages();
        }

        assertThat(logged)
                .filteredOn(line -> line.startsWith("bluegreen proxy listening on"))
                .satisfiesExactly(
                        byDefault -> assertThat(byDefault).contains("event loops that yield after I/O)"),
                        plain -> assertThat(plain).contains("event loops)").doesNotContain("yield"));
    }

    @Test
    void auto_picksIoUringWhereItLoads_elseEpoll_elseNio_unlessThePropertyNamesOne() {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            String property = System.getProperty(IoTransport.PROPERTY);
            IoTransport expected = property != null && !property.isBlank() ? IoTransport.named(property)
                    : availableTransports().get(0);
            assertThat(fixture.proxy.transport()).isEqualTo(expected);
        }
    }

    @Test
    void named_readsEverySpelling_andRefusesOthers() {
        assertThat(IoTransport.named("io_uring")).isEqualTo(IoTransport.IO_URING);
        assertThat(IoTransport.named("IO-URING")).isEqualTo(IoTransport.IO_URING);
        assertThat(IoTransport.named(" epoll ")).isEqualTo(IoTransport.EPOLL);
        assertThat(IoTransport.named("nio")).isEqualTo(IoTransport.NIO);
        assertThat(IoTransport.named("Auto")).isEqualTo(IoTransport.AUTO);
        for (IoTransport transport : IoTransport.values()) {
            assertThat(IoTransport.named(transport.label())).isEqualTo(transport);
        }
        assertThatThrownBy(() -> IoTransport.named("kqueue")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transport: kqueue (expected: auto, io_uring, epoll or nio)");
    }
}
