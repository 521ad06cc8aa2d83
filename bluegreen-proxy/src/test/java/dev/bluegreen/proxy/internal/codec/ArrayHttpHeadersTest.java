package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ArrayHttpHeaders} against Netty's {@code DefaultHttpHeaders}: the same random operations on both, every
 * observable compared after each one: values, order, counts, names, the checks and their messages.
 */
class ArrayHttpHeadersTest {

    /**
     * Names in several spellings, so that case-insensitive matching is exercised; some refused by the checks; some of
     * the same length ("Host", "Date"; "Connection", "Keep-Alive"); and two longer than 64 characters, which share the
     * map's filter bit of name lengths with shorter ones (66 characters with "TE"'s 2). Some as a decoder hands them
     * out: shared spellings ({@link SharedHeaderNames}), found by Netty's constants without a comparison of
     * characters, and names of one length as {@code AsciiString}s in other cases, told apart by their hashes.
     */
    private static final CharSequence[] NAMES = {
        "Host", "host", HttpHeaderNames.HOST, "Content-Length", HttpHeaderNames.CONTENT_LENGTH, "X-Trace",
        AsciiString.of("x-trace"), "Connection", "Via", "Set-Cookie", "Transfer-Encoding", "Trailer", "Date",
        "Keep-Alive", "TE", "Bad Name", "", "a\u0000b", "Tab\tName", "X-" + "Long".repeat(16),
        "x-" + "LONG".repeat(20), shared("Content-Length"), shared("Connection"), shared("connection"),
        HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, AsciiString.of("KEEP-ALIVE"), shared("User-Agent"),
        AsciiString.of("x-TRACE"),
    };
    private static final Object[] VALUES = {
        "a", "b, c", "keep-alive", "close", "chunked", "gzip, chunked", "12", "-3", "70000", "x",
        AsciiString.of("CHUNKED"), "", "Tue, 15 Nov 1994 08:12:31 GMT", new Date(784887151000L), 42,
        "bad\r\nvalue", "bad\u0000value", " padded ", "padded", "c", ",a", "a,", "a,,b", " x ,\ty,", "Keep-Alive",
        AsciiString.of(" gzip , CLOSE "),
    };

    /**
     * 18,000 random operations, each followed by every observable compared: CPU only, no waiting, bounded. 14 s in a
     * suite run on a 2-core machine with other work on it, it took 46 s and then 89 s on the same machine loaded more,
     * past JUnit's default 60 s (a guard against a test that hangs, which this one can't): it gets a limit of its own.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void behavesAsDefaultHttpHeadersOnRandomOperations() {
        for (long seed = 1; seed <= 300; seed++) {
            Random random = new Random(seed);
            boolean trailers = random.nextBoolean();
            HttpHeaders expected = (trailers ? DefaultHttpHeadersFactory.trailersFactory()
                    : DefaultHttpHeadersFactory.headersFactory()).newHeaders();
            HttpHeaders actual = (trailers ? ArrayHttpHeaders.trailersFactory()
                    : ArrayHttpHeaders.headersFactory()).newHeaders();
            for (int step = 0; step < 60; step++) {
                String operation = applyRandom(random, expected, actual);
                assertSame(expected, actual, "seed " + seed + ", step " + step + ": " + operation);
            }
        }
    }

    @Test
    void theFactoriesMakeMapsOfThisKindForBothSections() {
        HttpHeadersFactory headers = ArrayHttpHeaders.headersFactory();
        HttpHeadersFactory trailers = ArrayHttpHeaders.trailersFactory();
        assertThat(headers.newHeaders()).isInstanceOf(ArrayHttpHeaders.class);
        assertThat(headers.newEmptyHeaders()).isInstanceOf(ArrayHttpHeaders.class);
        assertThat(headers.newEmptyHeaders().isEmpty()).isTrue();
        assertThat(trailers.newHeaders()).isInstanceOf(ArrayHttpHeaders.class);
        assertThatThrownBy(() -> trailers.newHeaders().add(HttpHeaderNames.CONTENT_LENGTH, "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("content-length");
        assertThat(headers.newHeaders().add(HttpHeaderNames.CONTENT_LENGTH, "1").get("content-length"))
                .isEqualTo("1");
    }

    @Test
    void theFieldIteratorRemovesTheFieldItReturnedLast() {
        HttpHeaders headers = ArrayHttpHeaders.headersFactory().newHeaders()
                .add("A", "1").add("B", "2").add("C", "3");
        Iterator<Map.Entry<CharSequence, CharSequence>> fields = headers.iteratorCharSequence();
        assertThatThrownBy(fields::remove).isInstanceOf(IllegalStateException.class);
        fields.next();
        fields.next();
        fields.remove();
        assertThat(fields.next().getKey()).hasToString("C");
        assertThat(fields.hasNext()).isFalse();
        assertThat(headers.names()).containsExactly("A", "C");
    }

    @Test
    void settingAFieldValueThroughTheIteratorIsChecked() {
        HttpHeaders headers = ArrayHttpHeaders.headersFactory().newHeaders().add("A", "1");
        Map.Entry<CharSequence, CharSequence> field = headers.iteratorCharSequence().next();
        assertThat(field.setValue("2")).hasToString("1");
        assertThat(headers.get("a")).isEqualTo("2");
        assertThatThrownBy(() -> field.setValue("x\r\ny")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'A'");
        assertThat(headers.get("a")).isEqualTo("2");
    }

    @Test
    void anEntryRefusesToSetAValueOnceItsFieldHasMoved() {
        HttpHeaders headers = ArrayHttpHeaders.headersFactory().newHeaders().add("A", "1").add("B", "2");
        Iterator<Map.Entry<CharSequence, CharSequence>> fields = headers.iteratorCharSequence();
        fields.next();
        Map.Entry<CharSequence, CharSequence> second = fields.next();
        headers.remove("A");
        assertThatThrownBy(() -> second.setValue("3")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'B'");
        assertThat(headers.get("B")).isEqualTo("2");
    }

    @Test
    void theFieldsCanBeReadByIndexInTheOrderTheyCame() {
        ArrayHttpHeaders headers = (ArrayHttpHeaders) ArrayHttpHeaders.headersFactory().newHeaders();
        for (int i = 0; i < 20; i++) {
            headers.add(i % 2 == 0 ? "Even" : "Odd-" + i, "v" + i);
        }
        headers.remove("even");
        assertThat(headers.size()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            assertThat(headers.nameAt(i)).hasToString("Odd-" + (2 * i + 1));
            assertThat(headers.valueAt(i)).hasToString("v" + (2 * i + 1));
        }
        headers.add("odd-3", "again");
        assertThat(headers.count("ODD-3")).isEqualTo(2);
        assertThat(headers.count("Even")).isZero();
        assertThat(ArrayHttpHeaders.count(new DefaultHttpHeaders().add("A", "1").add("a", "2"), "A")).isEqualTo(2);
        assertThatThrownBy(() -> headers.nameAt(11)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> headers.valueAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** Applies one random operation to both maps; an exception must be the same on both. Returns what it did. */
    private static String applyRandom(Random random, HttpHeaders expected, HttpHeaders actual) {
        CharSequence name = NAMES[random.nextInt(NAMES.length)];
        Object value = VALUES[random.nextInt(VALUES.length)];
        int kind = random.nextInt(12);
        String operation;
        switch (kind) {
            case 0, 1, 2 -> operation = "add(" + name + ", " + value + ")";
            case 3, 4 -> operation = "set(" + name + ", " + value + ")";
            case 5 -> operation = "remove(" + name + ")";
            case 6 -> operation = "addInt(" + name + ")";
            case 7 -> operation = "setAll(" + name + ", [" + value + ", x])";
            case 8 -> operation = "addAll(" + name + ", [" + value + ", y])";
            case 9 -> operation = random.nextInt(10) == 0 ? "clear()" : "add(" + name + ", " + value + ")";
            case 10 -> operation = "set(String " + name + ", " + value + ")";
            default -> operation = "remove(String " + name + ")";
        }
        RuntimeException expectedFailure = apply(kind, operation, expected, name, value);
        RuntimeException actualFailure = apply(kind, operation, actual, name, value);
        if (expectedFailure == null) {
            assertThat(actualFailure).as(operation).isNull();
        } else {
            assertThat(actualFailure).as(operation).isNotNull()
                    .isInstanceOf(expectedFailure.getClass())
                    .hasMessage(expectedFailure.getMessage());
            assertThat(String.valueOf(actualFailure.getCause())).isEqualTo(String.valueOf(expectedFailure.getCause()));
        }
        return operation;
    }

    private static RuntimeException apply(int kind, String operation, HttpHeaders headers, CharSequence name,
            Object value) {
        try {
            switch (kind) {
                case 0, 1, 2 -> headers.add(name, value);
                case 3, 4 -> headers.set(name, value);
                case 5 -> headers.remove(name);
                case 6 -> headers.addInt(name, 7);
                case 7 -> headers.set(name, List.of(value, "x"));
                case 8 -> headers.add(name, List.of(value, "y"));
                case 9 -> {
                    if (operation.equals("clear()")) {
                        headers.clear();
                    } else {
                        headers.add(name, value);
                    }
                }
                case 10 -> headers.set(name.toString(), value);
                default -> headers.remove(name.toString());
            }
            return null;
        } catch (RuntimeException failure) {
            return failure;
        }
    }

    private static void assertSame(HttpHeaders expected, HttpHeaders actual, String context) {
        same(actual.size(), expected.size(), () -> context);
        same(actual.isEmpty(), expected.isEmpty(), () -> context);
        same(pairs(actual.iteratorCharSequence()), pairs(expected.iteratorCharSequence()), () -> context);
        same(stringPairs(actual.iterator()), stringPairs(expected.iterator()), () -> context);
        same(stringPairs(actual.entries().iterator()), stringPairs(expected.entries().iterator()), () -> context);
        // DefaultHttpHeaders' set lists a name twice when it was given once as a String and once as an AsciiString.
        same(new ArrayList<>(actual.names()), new ArrayList<>(new LinkedHashSet<>(expected.names())), () -> context);
        for (CharSequence name : NAMES) {
            Supplier<String> about = () -> context + ", name " + name;
            same(actual.get(name), expected.get(name), about);
            same(actual.get(name.toString()), expected.get(name.toString()), about);
            same(actual.getAll(name), expected.getAll(name), about);
            same(actual.contains(name), expected.contains(name), about);
            same(actual.getInt(name), expected.getInt(name), about);
            same(actual.getInt(name, -1), expected.getInt(name, -1), about);
            same(actual.getShort(name), expected.getShort(name), about);
            // DefaultHttpHeaders throws an undeclared ParseException for a value that is not a date; this map answers
            // "no date" instead, as its getInt answers "no number".
            Long expectedTime = timeMillisOrNull(expected, name);
            same(actual.getTimeMillis(name), expectedTime, about);
            same(actual.getTimeMillis(name, -1), expectedTime == null ? -1 : expected.getTimeMillis(name, -1), about);
            // In the order they came, as getAll gives them (DefaultHttpHeaders' value iterator gives the newest first).
            same(values(actual.valueStringIterator(name)), expected.getAll(name), about);
            same(values(actual.valueCharSequenceIterator(name)), expected.getAll(name), about);
            for (Object value : VALUES) {
                if (value instanceof CharSequence text) {
                    Supplier<String> withValue = () -> about.get() + ", value " + text;
                    same(actual.contains(name, text, true), expected.contains(name, text, true), withValue);
                    same(actual.contains(name, text, false), expected.contains(name, text, false), withValue);
                    same(actual.contains(name.toString(), text.toString(), true),
                            expected.contains(name.toString(), text.toString(), true), withValue);
                    same(actual.containsValue(name, text, true), expected.containsValue(name, text, true), withValue);
                    same(actual.containsValue(name, text, false), expected.containsValue(name, text, false),
                            withValue);
                }
            }
        }
    }

    /**
     * {@code assertThat(actual).as(description).isEqualTo(expected)}, with the description made only for a failure:
     * made for each of the tens of millions of comparisons, it was a good part of the test's time.
     */
    private static void same(Object actual, Object expected, Supplier<String> description) {
        if (!Objects.equals(actual, expected)) {
            assertThat(actual).as(description.get()).isEqualTo(expected);
        }
    }

    private static Long timeMillisOrNull(HttpHeaders headers, CharSequence name) {
        try {
            return headers.getTimeMillis(name);
        } catch (Exception notADate) {
            return null;
        }
    }

    private static List<String> pairs(Iterator<Map.Entry<CharSequence, CharSequence>> fields) {
        List<String> pairs = new ArrayList<>();
        fields.forEachRemaining(field -> pairs.add(field.getKey() + "=" + field.getValue()));
        return pairs;
    }

    private static List<String> stringPairs(Iterator<Map.Entry<String, String>> fields) {
        List<String> pairs = new ArrayList<>();
        fields.forEachRemaining(field -> pairs.add(field.getKey() + "=" + field.getValue()));
        return pairs;
    }

    private static List<String> values(Iterator<? extends CharSequence> values) {
        List<String> list = new ArrayList<>();
        values.forEachRemaining(value -> list.add(value.toString()));
        return list;
    }

    /** The name a decoder hands out for {@code spelling}, which must be a shared one. */
    private static AsciiString shared(String spelling) {
        return Objects.requireNonNull(SharedHeaderNamesTest.shared(spelling), spelling);
    }
}
