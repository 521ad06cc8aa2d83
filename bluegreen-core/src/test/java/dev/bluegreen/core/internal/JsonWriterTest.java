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
    void htmlSafe_alsoEscapesMarkupAndLineSeparators() {
        assertThat(JsonWriter.htmlSafe().value("</script>&\u2028").toString())
                .isEqualTo("\"\\u003c/script\\u003e\\u0026\\u2028\"");
    }
}
