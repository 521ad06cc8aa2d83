package dev.bluegreen.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonWriterTest {

    @Test
    void writesMembersArraysAndNullInOrder_compact() {
        String json = new JsonWriter().beginObject()
                .field("a", "x").field("n", 3).field("b", true).field("none", (String) null)
                .name("list").beginArray().value(1).value("two").beginObject().endObject().endArray()
                .endObject().toString();

        assertThat(json).isEqualTo("{\"a\":\"x\",\"n\":3,\"b\":true,\"none\":null,\"list\":[1,\"two\",{}]}");
    }

    @Test
    void escapesWhatRfc8259Requires_butLeavesMarkupAlone() {
        assertThat(new JsonWriter().value("q\"b\\n\nt\t\u0001\u007f <a>&").toString())
                .isEqualTo("\"q\\\"b\\\\n\\nt\\t\\u0001\\u007f <a>&\"");
    }

    @Test
    void aLoneSurrogate_isEscaped_andReadBackAsItWas_whileAPairStaysAsItIs() {
        String text = "a\ud800b\udc00c\ud83d\ude00" + "\ud83d";

        String json = new JsonWriter().value(text).toString();

        assertThat(json).isEqualTo("\"a\\ud800b\\udc00c\ud83d\ude00\\ud83d\"");
        assertThat(JsonReader.parse(json)).isEqualTo(text);
    }

    @Test
    void htmlSafe_alsoEscapesMarkupAndLineSeparators() {
        assertThat(JsonWriter.htmlSafe().value("</script>&\u2028").toString())
                .isEqualTo("\"\\u003c/script\\u003e\\u0026\\u2028\"");
    }

    @Test
    void numbersWithAFraction_areWrittenAsNumbers_andNonFiniteOnesAsNull() {
        String json = new JsonWriter().beginObject().field("ratio", 0.25).field("whole", 2.0)
                .field("nan", Double.NaN).name("inf").value(Double.POSITIVE_INFINITY).field("count", 7)
                .endObject().toString();

        assertThat(json).isEqualTo("{\"ratio\":0.25,\"whole\":2.0,\"nan\":null,\"inf\":null,\"count\":7}");
    }
}
