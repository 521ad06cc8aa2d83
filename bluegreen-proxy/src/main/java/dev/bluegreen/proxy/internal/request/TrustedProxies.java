package dev.bluegreen.proxy.internal.request;

import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The peers whose forwarding headers ({@code X-Forwarded-*}, {@code Forwarded}) are believed and appended to rather
 * than replaced: a list of IP addresses and CIDR blocks, IPv4 or IPv6. Immutable; matching does no DNS.
 */
public final class TrustedProxies {

    /** Trusts no one: every client's forwarding headers are replaced. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

    private final List<String> specs;
    private final List<Block> blocks;

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private TrustedProxies(List<String> specs, List<Block> blocks) {
        this.specs = specs;
        this.blocks = blocks;
    }

    /**
     * Parses addresses and CIDR blocks such as {@code 10.0.0.0/8}, {@code 192.168.1.7} or {@code fd00::/8}.
     *
     * @throws IllegalArgumentException naming the entry that is not an IP address or a CIDR block
     */
    public static TrustedProxies parse(Collection<String> specs) {
        List<Block> blocks = new ArrayList<>();
        for (String spec : specs) {
            blocks.add(block(spec));
        }
        // Copied once every entry is checked: List.copyOf would throw a bare NullPointerException on a null one.
        return blocks.isEmpty() ? NONE : new TrustedProxies(List.copyOf(specs), List.copyOf(blocks));
    }

    private static Block block(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("trustedProxies: null (expected: an IP address or CIDR block)");
        }
        int slash = spec.indexOf('/');
        String ip = slash < 0 ? spec.trim() : spec.substring(0, slash).trim();
        byte[] network = NetUtil.createByteArrayFromIpAddressString(ip);
        if (network == null) {
            throw new IllegalArgumentException("trustedProxies: '" + spec
                    + "' (expected: an IP address or CIDR block, e.g. 10.0.0.0/8 or fd00::/8)");
        }
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(spec.substring(slash + 1).trim());
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("trustedProxies: '" + spec + "' (expected: a prefix length 0-"
                        + bits + ")");
            }
        }
        return new Block(network, prefix);
    }

    /** Whether nobody is trusted (the common case: no per-request check at all). */
    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Whether the peer with this IP address (as text, from {@link ForwardedHeaders#clientIp}) is trusted. */
    boolean trusts(String ip) {
        if (blocks.isEmpty() || ip == null) {
            return false;
        }
        byte[] address = NetUtil.createByteArrayFromIpAddressString(ip);
        if (address == null) {
            return false;
        }
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i).contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return specs.toString();
    }
}
