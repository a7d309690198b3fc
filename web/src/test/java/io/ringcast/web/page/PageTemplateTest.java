package io.ringcast.web.page;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageTemplateTest {
    @Test
    void shouldEscapeDoubleBracedValuesAndInsertTripleBracedHtmlAsIs() {
        PageTemplate t = PageTemplate.parse("t", "<h1>{{title}}</h1><ul>{{{items}}}</ul><a href=\"{{ url }}\">");

        String html = t.render(Map.of("title", "<b>&", "items", "<li>x</li>", "url", "a\"b"));

        assertEquals("<h1>&lt;b&gt;&amp;</h1><ul><li>x</li></ul><a href=\"a&quot;b\">", html);
    }

    @Test
    void shouldRefuseToRenderWithAMissingOrExtraValue() {
        PageTemplate t = PageTemplate.parse("t", "{{a}} {{b}}");

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> t.render(Map.of("a", "1")));
        assertThrows(IllegalArgumentException.class, () -> t.render(Map.of("a", "1", "b", "2", "c", "3")));
        assertTrue(missing.getMessage().contains("[a, b]"), missing.getMessage());
    }

    @Test
    void shouldRejectAnUnclosedPlaceholderNamingItsOffset() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PageTemplate.parse("broken.html", "ok {{{raw}} "));
        assertTrue(e.getMessage().contains("broken.html") && e.getMessage().contains("offset 3"), e.getMessage());
    }

    @Test
    void shouldLoadEveryPageTemplateFromTheClassPath() {
        for (String name : new String[] {"index.html", "player.html", "error.html"}) {
            PageTemplate.load("io/ringcast/web/page/" + name);
        }
        assertThrows(IllegalStateException.class, () -> PageTemplate.load("io/ringcast/web/page/missing.html"));
    }
}
