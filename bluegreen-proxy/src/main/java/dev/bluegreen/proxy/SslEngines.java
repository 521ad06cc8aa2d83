package dev.bluegreen.proxy;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/** Which TLS engine the proxy uses: OpenSSL when its native library loads and supports ALPN, else the JDK's. */
final class SslEngines {

    private SslEngines() {
    }

    static SslProvider preferred() {
        return OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL)
                ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}
