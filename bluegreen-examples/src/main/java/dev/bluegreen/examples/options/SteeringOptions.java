package dev.bluegreen.examples.options;

import dev.bluegreen.examples.Converters;
import dev.bluegreen.examples.Converters.ListenAddress;
import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.PreviewRule;
import dev.bluegreen.proxy.StickySessions;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Which colour a request goes to besides the live one, and what protects a switch: preview, sticky sessions, the
 * safety net and the automatic rollback: {@code --preview-header}, {@code --preview-listen},
 * {@code --sticky-cookie}, {@code --safety-net}, {@code --[no-]auto-rollback}.
 */
public final class SteeringOptions implements ProxyOptionGroup {

    @Option(names = "--preview-header", paramLabel = "NAME[:SECRET]",
            description = "Send requests carrying this header (with this value, when a secret is given) to the idle"
                    + " colour; the secret never reaches a backend.")
    String previewHeader;

    @Option(names = "--preview-listen", paramLabel = "HOST:PORT", converter = Converters.ListenAddressConverter.class,
            description = "A second listener that always serves the idle colour, for testers.")
    ListenAddress previewListen;

    @Option(names = "--sticky-cookie", paramLabel = "NAME",
            description = "Keep each client on the colour it started on, by a cookie the proxy sets.")
    String stickyCookie;

    @Option(names = "--safety-net", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "For this long after a switch, a request the new colour can't accept goes to the old one.")
    Duration safetyNet;

    @Option(names = "--auto-rollback", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Watch the new colour for 5 minutes after each switch and roll back on its own if its error"
                    + " rate or p99 breaches the defaults (5 %%, 2 s, or twice the old colour's).")
    boolean autoRollback;

    /** Creates the group; picocli does this. */
    public SteeringOptions() {
    }

    @Override
    public void configureProxy(BlueGreenProxyBuilder proxy, OptionErrors errors) {
        if (previewHeader != null) {
            int colon = previewHeader.indexOf(':');
            String name = colon < 0 ? previewHeader : previewHeader.substring(0, colon);
            errors.check("--preview-header", () -> proxy.preview(colon < 0 ? PreviewRule.header(name)
                    : PreviewRule.header(name).withSecret(previewHeader.substring(colon + 1))));
        }
        if (previewListen != null) {
            errors.check("--preview-listen", () -> proxy.previewListen(previewListen.host(), previewListen.port()));
        }
        if (stickyCookie != null) {
            errors.check("--sticky-cookie", () -> proxy.stickySessions(StickySessions.proxyCookie(stickyCookie)));
        }
        if (safetyNet != null) {
            errors.check("--safety-net", () -> proxy.safetyNet(safetyNet));
        }
        if (autoRollback) {
            proxy.autoRollback(AutoRollback.defaults());
        }
    }
}
