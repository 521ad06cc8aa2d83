package dev.bluegreen.proxy.internal.codec;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The header fields of one HTTP/1.1 message, in the order they came, in one array: what the decoders build for every
 * request and response that passes through.
 *
 * <p>Netty's {@code DefaultHttpHeaders} hashes its fields into a sixteen-slot table and keeps every field in an entry
 * of five references (≈ 180 bytes per map before the first field, 40 per field). A message has a dozen fields at most
 * in the common case, and the proxy asks for a handful of names per message, so a linear scan over an array is as
 * fast and a fraction of the garbage (and most lookups need no scan: see {@link #nameLengths}): each field is two
 * slots of one array, its name and its value, with no object of its own (≈ 112 bytes per map with room for eight
 * fields, 32 for a trailer section, which takes no array until its first field). An entry is made only when the
 * fields are iterated as entries; the proxy's own hot paths read them by index instead ({@link #nameAt(int)},
 * {@link #valueAt(int)}; {@link HeaderLines} writes them so). The behaviour is {@code DefaultHttpHeaders}' (names
 * compared ignoring case, values in insertion order, {@code set} replacing every field of the name and appending the
 * new one last) and so are the checks: names and values are
 * validated by the validators of Netty's own header or trailer factory, so the decoders refuse exactly what they
 * refused before ({@link PlainHeads} adds fields its stricter rules have passed without checking them again).
 * {@code ArrayHttpHeadersTest} runs both implementations side by side on random operations. Two differences, on
 * purpose: {@link #getTimeMillis(CharSequence)} answers {@code null} for a value that is not a date, where
 * {@code DefaultHttpHeaders} throws an undeclared {@code ParseException}; and the value iterators give a name's
 * values in the order they came, as {@link #getAll(CharSequence)} does, where {@code DefaultHttpHeaders}' give the
 * newest first.
 *
 * <p>Not thread-safe, like every {@code HttpHeaders}: a message's fields are read and written on its event loop.
 */
public final class ArrayHttpHeaders extends HttpHeaders {

    private static final CharSequence[] NO_SLOTS = new CharSequence[0];
    /**
     * Room for the fields of a map before it first grows (then doubles). 8 allocates less per proxied GET than 12
     * did in JMH ProxiedGetBenchmark (-prof gc), for the small head and the browser-like one alike.
     */
    private static final int FIRST_CAPACITY = 8;

    private static final HttpHeadersFactory HEADERS =
            new ArrayHttpHeadersFactory(DefaultHttpHeadersFactory.headersFactory(), FIRST_CAPACITY);
    private static final HttpHeadersFactory TRAILERS =
            new ArrayHttpHeadersFactory(DefaultHttpHeadersFactory.trailersFactory(), 0);
    private static final DefaultHttpHeadersFactory NO_CHECKS =
            DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    /**
     * How names and values are checked as {@code add} and {@code set} take them; the one field for it (not its two
     * validators and a flag) keeps a map at 32 bytes, and there are two per proxied request.
     */
    private final DefaultHttpHeadersFactory checks;
    /** Field {@code i}'s name in slot {@code 2 * i}, its value in slot {@code 2 * i + 1}. */
    private CharSequence[] slots;
    /** The number of fields (half the slots in use). */
    private int size;
    /**
     * Bit {@code n} set once a field whose name has {@code n} characters (modulo 64) was added: most lookups
     * are for a name the message does not have (the framing and hop-by-hop fields, the forwarding fields before the
     * proxy sets them), and the length of none of its names answers those without a scan. Not cleared when fields go:
     * a set bit only means "scan". 8 bytes more per map than scanning every time, for a dozen scans per request less.
     */
    private long nameLengths;

    ArrayHttpHeaders(DefaultHttpHeadersFactory checks, int capacity) {
        this.checks = checks;
        this.slots = capacity == 0 ? NO_SLOTS : new CharSequence[2 * capacity];
    }

    /** The factory of validated header sections: what {@code DefaultHttpHeadersFactory.headersFactory()} checks. */
    public static HttpHeadersFactory headersFactory() {
        return HEADERS;
    }

    /**
     * The factory of validated trailer sections: what {@code DefaultHttpHeadersFactory.trailersFactory()} checks
     * (the framing fields are refused in trailers). Its maps take no room until a field is added: most messages
     * have none.
     */
    public static HttpHeadersFactory trailersFactory() {
        return TRAILERS;
    }

    /**
     * A new empty map that checks no name or value, as {@code new DefaultHttpHeaders(false)} does not: for fields
     * checked already, as an HTTP/2 request's are by the HPACK decoder and {@code Http2RequestDecoder}.
     */
    public static HttpHeaders unchecked() {
        return new ArrayHttpHeaders(NO_CHECKS, FIRST_CAPACITY);
    }

    /**
     * Whether every field was checked as it was added: its name a token (RFC 9110 §5.1), its value without a
     * character a field value may not have ({@code HttpHeaderValidationUtil.validateValidHeaderValue}), as the
     * decoders' maps check them. False for an {@link #unchecked()} map.
     */
    public boolean checksFields() {
        return checks != NO_CHECKS;
    }

    // --- reading by index ---

    /**
     * The name of field {@code index} (0 to {@link #size()} - 1, in the order the fields came), as it was added.
     *
     * @throws IndexOutOfBoundsException if there is no such field
     */
    public CharSequence nameAt(int index) {
        return slots[2 * Objects.checkIndex(index, size)];
    }

    /**
     * The value of field {@code index} (0 to {@link #size()} - 1, in the order the fields came), as it was added.
     *
     * @throws IndexOutOfBoundsException if there is no such field
     */
    public CharSequence valueAt(int index) {
        return slots[2 * Objects.checkIndex(index, size) + 1];
    }

    /** How many fields are named {@code name} (ignoring case): what {@code getAll(name).size()} is, without a list. */
    public int count(CharSequence name) {
        int count = 0;
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            count++;
        }
        return count;
    }

    /** How many fields of {@code headers} are named {@code name}, without a list when it is an array map. */
    public static int count(HttpHeaders headers, CharSequence name) {
        return headers instanceof ArrayHttpHeaders fields ? fields.count(name) : headers.getAll(name).size();
    }

    // --- reading ---

    @Override
    public String get(String name) {
        return get((CharSequence) name);
    }

    @Override
    public String get(CharSequence name) {
        int index = indexOf(name, 0);
        return index < 0 ? null : value(index).toString();
    }

    @Override
    public Integer getInt(CharSequence name) {
        return FieldValues.parsed(get(name), Integer::valueOf);
    }

    @Override
    public int getInt(CharSequence name, int defaultValue) {
        Integer value = getInt(name);
        return value == null ? defaultValue : value;
    }

    @Override
    public Short getShort(CharSequence name) {
        return FieldValues.parsed(get(name), Short::valueOf);
    }

    @Override
    public short getShort(CharSequence name, short defaultValue) {
        Short value = getShort(name);
        return value == null ? defaultValue : value;
    }

    @Override
    public Long getTimeMillis(CharSequence name) {
        return FieldValues.parsed(get(name), FieldValues::timeMillis);
    }

    @Override
    public long getTimeMillis(CharSequence name, long defaultValue) {
        Long value = getTimeMillis(name);
        return value == null ? defaultValue : value;
    }

    @Override
    public List<String> getAll(String name) {
        return getAll((CharSequence) name);
    }

    @Override
    public List<String> getAll(CharSequence name) {
        int first = indexOf(name, 0);
        if (first < 0) {
            return Collections.emptyList();
        }
        int second = indexOf(name, first + 1);
        if (second < 0) {
            return Collections.singletonList(value(first).toString());
        }
        List<String> values = new ArrayList<>(4);
        for (int i = first; i >= 0; i = indexOf(name, i + 1)) {
            values.add(value(i).toString());
        }
        return values;
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> entries = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(name(i).toString(), value(i).toString()));
        }
        return entries;
    }

    @Override
    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    @Override
    public boolean contains(CharSequence name) {
        return indexOf(name, 0) >= 0;
    }

    @Override
    public boolean contains(String name, String value, boolean ignoreCase) {
        return contains((CharSequence) name, value, ignoreCase);
    }

    @Override
    public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            CharSequence candidate = value(i);
            if (ignoreCase ? AsciiString.contentEqualsIgnoreCase(candidate, value)
                    : AsciiString.contentEquals(candidate, value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
        // As HttpHeaders' own reads the values, without the value iterator it makes for that.
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            if (FieldLists.hasElement(value(i), value, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Iterator<CharSequence> valueCharSequenceIterator(CharSequence name) {
        int first = indexOf(name, 0);
        return first < 0 ? Collections.emptyIterator() : new ValueIterator(name, first);
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return entries().iterator();
    }

    @Override
    public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
        return new FieldIterator();
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < size; i++) {
            names.add(name(i).toString());
        }
        return names;
    }

    // --- writing ---

    @Override
    public HttpHeaders add(String name, Object value) {
        return add((CharSequence) name, value);
    }

    @Override
    public HttpHeaders add(CharSequence name, Object value) {
        checks.getNameValidator().validateName(name);
        append(name, checkedValue(name, value));
        return this;
    }

    /**
     * Adds a header field that its caller checked by rules stricter than this map's ({@link PlainHeads}'), so that no
     * field is checked twice.
     */
    void addValid(CharSequence name, CharSequence value) {
        append(name, value);
    }

    @Override
    public HttpHeaders add(String name, Iterable<?> values) {
        return add((CharSequence) name, values);
    }

    @Override
    public HttpHeaders add(CharSequence name, Iterable<?> values) {
        checks.getNameValidator().validateName(name);
        for (Object value : values) {
            append(name, checkedValue(name, value));
        }
        return this;
    }

    @Override
    public HttpHeaders addInt(CharSequence name, int value) {
        return add(name, Integer.toString(value));
    }

    @Override
    public HttpHeaders addShort(CharSequence name, short value) {
        return add(name, Short.toString(value));
    }

    @Override
    public HttpHeaders set(String name, Object value) {
        return set((CharSequence) name, value);
    }

    @Override
    public HttpHeaders set(CharSequence name, Object value) {
        checks.getNameValidator().validateName(name);
        CharSequence checked = checkedValue(name, value);
        removeAll(name);
        append(name, checked);
        return this;
    }

    @Override
    public HttpHeaders set(String name, Iterable<?> values) {
        return set((CharSequence) name, values);
    }

    @Override
    public HttpHeaders set(CharSequence name, Iterable<?> values) {
        checks.getNameValidator().validateName(name);
        removeAll(name);
        for (Object value : values) {
            append(name, checkedValue(name, value));
        }
        return this;
    }

    @Override
    public HttpHeaders setInt(CharSequence name, int value) {
        return set(name, Integer.toString(value));
    }

    @Override
    public HttpHeaders setShort(CharSequence name, short value) {
        return set(name, Short.toString(value));
    }

    @Override
    public HttpHeaders remove(String name) {
        return remove((CharSequence) name);
    }

    @Override
    public HttpHeaders remove(CharSequence name) {
        removeAll(name);
        return this;
    }

    @Override
    public HttpHeaders clear() {
        Arrays.fill(slots, 0, 2 * size, null);
        size = 0;
        nameLengths = 0;
        return this;
    }

    // --- the array ---

    private CharSequence name(int index) {
        return slots[2 * index];
    }

    private CharSequence value(int index) {
        return slots[2 * index + 1];
    }

    /** The index of the first field named {@code name} at or after {@code from}, or -1. */
    private int indexOf(CharSequence name, int from) {
        Objects.requireNonNull(name, "name");
        int length = name.length();
        if ((nameLengths & lengthBit(length)) == 0) {
            return -1;
        }
        CharSequence[] slots = this.slots;
        for (int i = from; i < size; i++) {
            if (sameName(slots[2 * i], name, length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether a field's name is {@code name} (of {@code length} characters), ignoring case. Most lookups are for a
     * name the message does not have, or for a name the decoder shared: answered without comparing characters. The
     * reference or the length answer most; then {@code AsciiString}'s hash, which ignores case and is kept once
     * computed (names whose hashes differ differ); then, for a shared spelling ({@code Content-Length} from the
     * backend, looked up by Netty's {@code content-length}), its lower-case constant ({@link SharedHeaderNames}).
     */
    private static boolean sameName(CharSequence fieldName, CharSequence name, int length) {
        if (fieldName == name) {
            return true;
        }
        if (fieldName.length() != length) {
            return false;
        }
        if (fieldName instanceof AsciiString field && name instanceof AsciiString wanted) {
            return field.hashCode() == wanted.hashCode()
                    && (SharedHeaderNames.lowerCaseConstant(field) == wanted || field.contentEqualsIgnoreCase(wanted));
        }
        return AsciiString.contentEqualsIgnoreCase(fieldName, name);
    }

    private void append(CharSequence name, CharSequence value) {
        if (2 * size == slots.length) {
            slots = Arrays.copyOf(slots, 2 * Math.max(FIRST_CAPACITY, size * 2));
        }
        slots[2 * size] = name;
        slots[2 * size + 1] = value;
        size++;
        nameLengths |= lengthBit(name.length());
    }

    /**
     * The bit of {@link #nameLengths} for names of {@code length} characters: bit {@code length % 64}, as Java shifts
     * a long (lengths 64 apart share a bit, which only makes a scan happen that was not needed).
     */
    private static long lengthBit(int length) {
        return 1L << length;
    }

    private void removeAll(CharSequence name) {
        int kept = indexOf(name, 0);
        if (kept < 0) {
            return;
        }
        int length = name.length();
        for (int i = kept + 1; i < size; i++) {
            if (!sameName(slots[2 * i], name, length)) {
                slots[2 * kept] = slots[2 * i];
                slots[2 * kept + 1] = slots[2 * i + 1];
                kept++;
            }
        }
        Arrays.fill(slots, 2 * kept, 2 * size, null);
        size = kept;
    }

    private void removeAt(int index) {
        System.arraycopy(slots, 2 * index + 2, slots, 2 * index, 2 * (size - index - 1));
        size--;
        slots[2 * size] = null;
        slots[2 * size + 1] = null;
    }

    /** {@code value} as text, checked as {@code DefaultHttpHeaders} checks it (and with its message on failure). */
    private CharSequence checkedValue(CharSequence name, Object value) {
        CharSequence text = FieldValues.text(Objects.requireNonNull(value, "value"));
        try {
            checks.getValueValidator().validate(text);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException("Validation failed for header '" + name + "'", invalid);
        }
        return text;
    }

    /**
     * Field {@code index} as an entry, made when the fields are iterated. {@code setValue} writes through to the map
     * while the field is where it was read; once the map has changed around it, the entry refuses rather than write
     * to another field.
     */
    private final class FieldEntry implements Map.Entry<CharSequence, CharSequence> {
        private final int index;
        private final CharSequence name;
        private CharSequence value;

        FieldEntry(int index) {
            this.index = index;
            this.name = name(index);
            this.value = value(index);
        }

        @Override
        public CharSequence getKey() {
            return name;
        }

        @Override
        public CharSequence getValue() {
            return value;
        }

        @Override
        public CharSequence setValue(CharSequence newValue) {
            if (index >= size || slots[2 * index] != name || slots[2 * index + 1] != value) {
                throw new IllegalStateException(
                        "the header field '" + name + "' was removed or changed since it was read");
            }
            CharSequence previous = value;
            value = checkedValue(name, newValue);
            slots[2 * index + 1] = value;
            return previous;
        }

        @Override
        public String toString() {
            return name + ": " + value;
        }
    }

    /** The fields in order; {@code remove()} removes the last one returned. */
    private final class FieldIterator implements Iterator<Map.Entry<CharSequence, CharSequence>> {
        private int next;
        private int last = -1;

        @Override
        public boolean hasNext() {
            return next < size;
        }

        @Override
        public Map.Entry<CharSequence, CharSequence> next() {
            if (next >= size) {
                throw new NoSuchElementException();
            }
            last = next++;
            return new FieldEntry(last);
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException("next() first");
            }
            removeAt(last);
            next = last;
            last = -1;
        }
    }

    /** The values of the fields of one name, in order, found as they are asked for. */
    private final class ValueIterator implements Iterator<CharSequence> {
        private final CharSequence name;
        private int next;

        ValueIterator(CharSequence name, int first) {
            this.name = name;
            this.next = first;
        }

        @Override
        public boolean hasNext() {
            return next >= 0;
        }

        @Override
        public CharSequence next() {
            if (next < 0) {
                throw new NoSuchElementException();
            }
            CharSequence value = value(next);
            next = indexOf(name, next + 1);
            return value;
        }
    }
}
