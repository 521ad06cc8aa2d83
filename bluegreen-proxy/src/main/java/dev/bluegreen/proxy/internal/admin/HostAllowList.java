package dev.bluegreen.proxy.internal.admin;

import dev.bluegreen.proxy.internal.request.Authority;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Which {@code Host} values the admin endpoint answers: its defence against DNS rebinding, where a web page on a
 * name the attacker controls re-points that name at the endpoint's address and then calls it "same-origin". The
 * browser still sends the attacker's name in {@code Host}, so only names the endpoint knows as its own are served:
 *
 * <ul>
 *   <li>the IP address the connection arrived on (the bound address; when bound to a wildcard such as
 *       {@code 0.0.0.0}, the address of the interface the client used, which is the only address of "this
 *       endpoint" the client can have named without a DNS name);</li>
 *   <li>when that address is loopback: {@code localhost}, {@code 127.0.0.1} and {@code [::1]} (only processes on
 *       this machine reach a loopback address, and a rebinding page cannot name these);</li>
 *   <li>the names (or IP addresses) the application configured.</li>
 * </ul>
 *
 * <p>The port in {@code Host} is not compared: a rebinding page can only choose the name, and an operator's SSH
 * tunnel or a container's port mapping legitimately shows another port than the bound one. Case-insensitive, never
 * resolves a name. Immutable and thread-safe.
 */
public final class HostAllowList {

    private static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "[::1]");

    private final Set<String> configured;

    /**
     * @param configured host names or IP literals (canonical {@link Authority#host()} text, without port) served
     *                   on whatever address the connection arrived on
     */
    public HostAllowList(Set<String> configured) {
        this.configured = Set.copyOf(configured);
    }

    /**
     * Decides whether a request naming {@code host} is served on a connection that arrived on {@code arrivedOn}.
     *
     * @param host      the request's {@code Host}, parsed
     * @param arrivedOn the connection's local address, or {@code null} when it has none (not an IP socket)
     * @return {@code null} when served; otherwise why not, naming the host and what is allowed, for the 421 body
     */
    public String refusal(Authority host, InetAddress arrivedOn) {
        if (configured.contains(host.host())) {
            return null;
        }
        boolean loopback = arrivedOn != null && arrivedOn.isLoopbackAddress();
        if (loopback && LOOPBACK_NAMES.contains(host.host())) {
            return null;
        }
        byte[] named = host.address();
        if (named != null && arrivedOn != null && Arrays.equals(unmapped(named), unmapped(arrivedOn.getAddress()))) {
            return null;
        }
        return "misdirected request: Host '" + host + "' is not served here (expected: " + String.join(", ",
                allowed(arrivedOn)) + "; the application can allow more names)";
    }

    /** What {@link #refusal} accepts on a connection that arrived on {@code arrivedOn}, for its message. */
    private List<String> allowed(InetAddress arrivedOn) {
        List<String> allowed = new ArrayList<>();
        if (arrivedOn != null) {
            String own = NetUtil.toAddressString(arrivedOn);
            allowed.add(own.indexOf(':') >= 0 ? "[" + own + "]" : own);
        }
        if (arrivedOn != null && arrivedOn.isLoopbackAddress()) {
            LOOPBACK_NAMES.stream().filter(name -> !allowed.contains(name)).forEach(allowed::add);
        }
        configured.stream().sorted().forEach(allowed::add);
        return allowed;
    }

    /** An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, a dual-stack socket's view of IPv4) as IPv4. */
    private static byte[] unmapped(byte[] address) {
        if (address.length != 16) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff ? Arrays.copyOfRange(address, 12, 16)
                : address;
    }
}
