package dev.bluegreen.examples.options;

import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.TlsFileException;
import dev.bluegreen.proxy.TlsSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** TLS on the proxy's listener: {@code --tls-cert}, {@code --tls-key}. */
public final class TlsOptions implements ProxyOptionGroup {

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Serve TLS (and HTTP/2 through ALPN) with this certificate chain; needs --tls-key.")
    Path tlsCertificate;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (PKCS#8 PEM).")
    Path tlsKey;

    /** Creates the group; picocli does this. */
    public TlsOptions() {
    }

    @Override
    public void configureProxy(BlueGreenProxyBuilder proxy, OptionErrors errors) {
        if (tlsCertificate == null && tlsKey == null) {
            return;
        }
        if (tlsCertificate == null || tlsKey == null) {
            throw errors.usage(tlsCertificate == null ? "--tls-key" : "--tls-cert", "given alone (expected: both"
                    + " --tls-cert and --tls-key)");
        }
        try {
            proxy.tls(TlsSettings.fromPem(tlsCertificate, tlsKey));
        } catch (TlsFileException refused) {
            // The option that names the file at fault; a key that is not the certificate's is the key's.
            throw errors.usage(refused.isPrivateKey() ? "--tls-key" : "--tls-cert", refused.getMessage());
        }
    }
}
