package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * What the differential fuzzers of HTTP/1.1 decoding share ({@code RequestHeadDifferentialTest},
 * {@link ResponseHeadDifferentialTest}): the generator's common parts (picking from lists that start with the usual
 * choices, body framing, mutation byte by byte), decoding an input in one read or two, and the comparison itself, which
 * counts what the proxy accepted and refused so that a test can show neither count is empty.
 */
public final class DifferentialDecoding {

    /** Every list of choices starts with what a peer usually sends: its first {@code USUAL} entries. */
    public static final int USUAL = 5;
    public static final String[] LINE_ENDS = {"\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\n", "\r", "\r\r\n"};
    private static final String[] LENGTHS = {"3", "3", "3", "3", "3", "0", "5", " 3", "3 ", "3,3", "3, 3", "+3", "-1",
        "abc", "03", "99999999999999999999", "3,4"};
    private static final String[] CODINGS = {"chunked", "chunked", "chunked", "chunked", "chunked", "Chunked",
        "gzip, chunked", "chunked, gzip", "identity", " chunked", "chunked,", "chunked, chunked"};
    private static final byte[] INTERESTING_BYTES = {'\r', '\n', ' ', '\t', ':', ',', 0, (byte) 0x80, '0', 'a', ';'};

    /** What the messages are called in a failure's description: "request" or "response". */
    private final String kind;
    private int accepted;
    private int refused;

    /** A comparison of decoded messages of {@code kind} ("request", "response"). */
    public DifferentialDecoding(String kind) {
        this.kind = kind;
    }

    /** One message as a decoder gave it: its head and body as text, and whether each was accepted. */
    public static final class Decoded {
        String head;
        boolean headAccepted;
        String body = "";
        boolean complete;
    }

    /**
     * Requires every message in {@code ours} up to the first refused one to be in {@code theirs} as the same message:
     * head, and body and trailers when ours has them whole. Counts each accepted message and each refusal.
     */
    public void compare(List<Decoded> ours, List<Decoded> theirs, String context) {
        for (int i = 0; i < ours.size(); i++) {
            Decoded message = ours.get(i);
            if (!message.headAccepted) {
                refused++;
                return;
            }
            accepted++;
            String about = context + ", " + kind + " " + i;
            assertThat(theirs).as(about).hasSizeGreaterThan(i);
            Decoded their = theirs.get(i);
            assertThat(their.headAccepted).as(about).isTrue();
            assertThat(their.head).as(about).isEqualTo(message.head);
            if (message.complete) {
                assertThat(their.complete).as(about).isTrue();
                assertThat(their.body).as(about).isEqualTo(message.body);
            }
        }
    }

    /** Requires more than the given numbers of accepted messages and refused inputs, or the test would show nothing. */
    public void assertBothSidesSeen(int minAccepted, int minRefused) {
        assertThat(accepted).as(kind + "s accepted").isGreaterThan(minAccepted);
        assertThat(refused).as("inputs refused").isGreaterThan(minRefused);
    }

    /**
     * Feeds {@code input} to {@code channel} in two reads (split at {@code split}), collects the messages, each head
     * as {@code headText} writes it, and releases what is left.
     */
    public static List<Decoded> decode(EmbeddedChannel channel, byte[] input, int split,
                                       Function<HttpMessage, String> headText) {
        List<Decoded> messages = new ArrayList<>();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(input, 0, split));
            collect(channel, messages, headText);
            if (split < input.length) {
                channel.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));
                collect(channel, messages, headText);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return messages;
    }

    private static void collect(EmbeddedChannel channel, List<Decoded> messages,
                                Function<HttpMessage, String> headText) {
        Object message;
        while ((message = channel.readInbound()) != null) {
            try {
                if (message instanceof HttpMessage head) {
                    Decoded decoded = new Decoded();
                    decoded.headAccepted = head.decoderResult().isSuccess();
                    decoded.head = headText.apply(head);
                    messages.add(decoded);
                }
                if (message instanceof HttpContent content && !messages.isEmpty()) {
                    Decoded current = messages.get(messages.size() - 1);
                    if (content.decoderResult().isFailure()) {
                        current.body += "[failed]";
                    } else {
                        current.body += ByteBufUtil.hexDump(content.content());
                        if (content instanceof LastHttpContent last) {
                            current.body += " trailers" + fields(last.trailingHeaders());
                            current.complete = !current.body.contains("[failed]");
                        }
                    }
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
    }

    /** Every field of {@code headers} in order, as text. */
    public static String fields(HttpHeaders headers) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<CharSequence, CharSequence> field : (Iterable<Map.Entry<CharSequence, CharSequence>>)
                headers::iteratorCharSequence) {
            text.append(" | ").append(field.getKey()).append(": ").append(field.getValue());
        }
        return text.toString();
    }

    /** Where to split {@code length} bytes into two reads: one input in three is split, at a random place. */
    public static int split(Random random, int length) {
        return random.nextInt(3) == 0 ? 1 + random.nextInt(length) : length;
    }

    /**
     * Appends framing fields to {@code head} and returns the body they frame: a {@code Content-Length} (sometimes two)
     * for a 3-byte body if {@code byLength}, a {@code Transfer-Encoding} for chunks if {@code chunked} (the chunks win
     * when both are asked for), whose last piece may carry a trailer field named and valued from the lists given.
     */
    public static String framing(Random random, StringBuilder head, String eol, boolean byLength, boolean chunked,
                                 String[] trailerNames, String[] trailerValues) {
        String body = "";
        if (byLength) {
            int lengths = random.nextInt(6) == 0 ? 2 : 1;
            for (int i = 0; i < lengths; i++) {
                head.append("Content-Length: ").append(pick(random, LENGTHS)).append(eol);
            }
            body = "abc";
        }
        if (chunked) {
            head.append("Transfer-Encoding: ").append(pick(random, CODINGS)).append(eol);
            body = chunks(random, trailerNames, trailerValues);
        }
        return body;
    }

    private static String chunks(Random random, String[] trailerNames, String[] trailerValues) {
        StringBuilder body = new StringBuilder();
        int chunks = random.nextInt(3);
        for (int i = 0; i < chunks; i++) {
            String data = "x".repeat(1 + random.nextInt(20));
            String size = Integer.toHexString(data.length());
            switch (random.nextInt(10)) {
                case 0 -> size = size + ";ext=1";
                case 1 -> size = size.toUpperCase() + " ";
                case 2 -> size = "0x" + size;
                default -> { }
            }
            body.append(size).append("\r\n").append(data).append("\r\n");
        }
        body.append("0\r\n");
        if (random.nextInt(5) == 0) {
            body.append(pick(random, trailerNames)).append(": ").append(pick(random, trailerValues)).append("\r\n");
        }
        return body.append("\r\n").toString();
    }

    /** {@code bytes} as they are four times in five, else with one to three bytes flipped, inserted or deleted. */
    public static byte[] maybeMutated(Random random, byte[] bytes) {
        int mutations = random.nextInt(5) == 0 ? 1 + random.nextInt(3) : 0;
        for (int i = 0; i < mutations && bytes.length > 0; i++) {
            bytes = mutate(random, bytes);
        }
        return bytes;
    }

    /** Flips, inserts or deletes one byte, more often near the start where the head is. */
    private static byte[] mutate(Random random, byte[] bytes) {
        int at = random.nextBoolean() ? random.nextInt(Math.min(bytes.length, 40)) : random.nextInt(bytes.length);
        byte value = random.nextBoolean() ? INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)]
                : (byte) random.nextInt();
        return switch (random.nextInt(3)) {
            case 0 -> {
                byte[] flipped = bytes.clone();
                flipped[at] = value;
                yield flipped;
            }
            case 1 -> {
                byte[] longer = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, longer, 0, at);
                longer[at] = value;
                System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                yield longer;
            }
            default -> {
                byte[] shorter = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, shorter, 0, at);
                System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                yield shorter;
            }
        };
    }

    /** Mostly one of the first {@link #USUAL} choices; one time in seven any of them. */
    public static String pick(Random random, String[] choices) {
        return choices[random.nextInt(7) == 0 ? random.nextInt(choices.length) : random.nextInt(USUAL)];
    }
}
