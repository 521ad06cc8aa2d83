package dev.bluegreen.proxy.internal.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.proxy.IoTransport;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

/** How the setting and the system property pick a transport. */
class TransportSelectionTest {

    @Test
    void auto_withoutProperty_picksTheBestThatLoads() {
        Transport expected = IoUring.isAvailable() ? Transport.IO_URING
                : Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;

        assertThat(Transport.select(IoTransport.AUTO, null)).isEqualTo(expected);
        assertThat(Transport.select(IoTransport.AUTO, " ")).isEqualTo(expected);
    }

    @Test
    void auto_withProperty_takesThePropertysTransport() {
        assertThat(Transport.select(IoTransport.AUTO, "nio")).isEqualTo(Transport.NIO);
    }

    @Test
    void namedSetting_winsOverTheProperty() {
        assertThat(Transport.select(IoTransport.NIO, "io_uring")).isEqualTo(Transport.NIO);
    }

    @Test
    void badProperty_isRefusedWithItsValue() {
        assertThatThrownBy(() -> Transport.select(IoTransport.AUTO, "kqueue"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kqueue");
    }

    @Test
    void namedTransport_thatCannotLoad_failsWithTheReason_neverFallsBack() {
        if (Epoll.isAvailable()) {
            assertThat(Transport.select(IoTransport.EPOLL, null)).isEqualTo(Transport.EPOLL);
            return;
        }
        assertThatThrownBy(() -> Transport.select(IoTransport.EPOLL, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("epoll is not available");
    }

    @Test
    void eachTransport_mapsBackToItsSetting() {
        for (Transport transport : Transport.values()) {
            assertThat(IoTransport.named(transport.label())).isEqualTo(transport.setting());
        }
    }
}
