package io.ringcast.web.page;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class HtmlTest {
    @Test
    void shouldEscapeTheFiveHtmlSpecialCharacters() {
        assertEquals("a &amp; b &lt;script&gt;x=&quot;1&quot;&#39;&lt;/script&gt;",
                Html.escape("a & b <script>x=\"1\"'</script>"));
    }

    @Test
    void shouldReturnPlainTextUnchangedAndNullAsEmpty() {
        String plain = "live/cam-1 640\u00d7360";
        assertSame(plain, Html.escape(plain));
        assertEquals("", Html.escape(null));
    }
}
