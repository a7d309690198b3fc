package io.ringcast.ops.report;

import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG: a linear x axis with given ticks, a logarithmic latency axis in microseconds (latencies
 * span decades: a 200 µs median and a 40 ms spike both stay readable), a legend. Text is escaped. Pure function.
 */
final class SvgChart {
    static final int WIDTH = 1000;
    static final int HEIGHT = 320;
    private static final int LEFT = 80;
    private static final int RIGHT = 45;
    private static final int TOP = 30;
    private static final int BOTTOM = 45;

    /** One line: points (x, latency µs > 0) in x order. */
    record Line(String name, String color, double[] xs, double[] ysUs) {
    }

    /** A tick on the x axis. */
    record Tick(double x, String label) {
    }

    private SvgChart() {
    }

    static String render(String label, List<Line> lines, double xMin, double xMax, List<Tick> xTicks, String xTitle) {
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (Line l : lines) {
            for (double y : l.ysUs()) {
                if (y > 0) {
                    yMin = Math.min(yMin, y);
                    yMax = Math.max(yMax, y);
                }
            }
        }
        if (yMax == 0) {
            yMin = 1;
            yMax = 10;
        }
        double logMin = Math.floor(Math.log10(yMin));
        double logMax = Math.max(Math.ceil(Math.log10(yMax)), logMin + 1);
        double xSpan = xMax > xMin ? xMax - xMin : 1;
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" role=\"img\" aria-label=\"").append(Html.escape(label)).append("\">\n");
        s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(plotW)
                .append("\" height=\"").append(plotH).append("\" class=\"plot\"/>\n");
        int[] multiples = logMax - logMin > 3 ? new int[] {1} : new int[] {1, 2, 5};
        for (int decade = (int) logMin; decade <= (int) logMax; decade++) {
            for (int m : multiples) {
                double v = m * Math.pow(10, decade);
                double lv = Math.log10(v);
                if (lv < logMin - 1e-9 || lv > logMax + 1e-9) {
                    continue;
                }
                double y = TOP + plotH - (lv - logMin) / (logMax - logMin) * plotH;
                s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotW).append("\" y1=\"")
                        .append(f(y)).append("\" y2=\"").append(f(y)).append("\" class=\"")
                        .append(m == 1 ? "grid major" : "grid").append("\"/>\n");
                s.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f(y + 4))
                        .append("\" class=\"ylabel\">").append(Html.escape(microsLabel(v))).append("</text>\n");
            }
        }
        for (Tick t : xTicks) {
            double x = LEFT + (t.x() - xMin) / xSpan * plotW;
            s.append("<line x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"").append(TOP)
                    .append("\" y2=\"").append(TOP + plotH).append("\" class=\"grid\"/>\n");
            s.append("<text x=\"").append(f(x)).append("\" y=\"").append(TOP + plotH + 16)
                    .append("\" class=\"xlabel\">").append(Html.escape(t.label())).append("</text>\n");
        }
        s.append("<text x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(HEIGHT - 6)
                .append("\" class=\"xtitle\">").append(Html.escape(xTitle)).append("</text>\n");
        s.append("<text x=\"14\" y=\"").append(TOP + plotH / 2).append("\" class=\"ytitle\" transform=\"rotate(-90 14 ")
                .append(TOP + plotH / 2).append(")\">latency (µs, log scale)</text>\n");
        int legendX = LEFT + 10;
        for (Line l : lines) {
            s.append("<polyline class=\"series\" stroke=\"").append(l.color()).append("\" points=\"");
            for (int i = 0; i < l.xs().length; i++) {
                double yv = Math.max(l.ysUs()[i], Math.pow(10, logMin));
                double x = LEFT + (l.xs()[i] - xMin) / xSpan * plotW;
                double y = TOP + plotH - (Math.log10(yv) - logMin) / (logMax - logMin) * plotH;
                s.append(f(x)).append(',').append(f(y)).append(' ');
            }
            s.append("\"><title>").append(Html.escape(l.name())).append("</title></polyline>\n");
            s.append("<rect x=\"").append(legendX).append("\" y=\"").append(TOP - 20)
                    .append("\" width=\"14\" height=\"4\" ")
                    .append("fill=\"").append(l.color()).append("\"/>");
            s.append("<text x=\"").append(legendX + 18).append("\" y=\"").append(TOP - 14)
                    .append("\" class=\"legend\">")
                    .append(Html.escape(l.name())).append("</text>\n");
            legendX += 30 + 8 * l.name().length();
        }
        s.append("</svg>\n");
        return s.toString();
    }

    static String microsLabel(double us) {
        if (us >= 1_000_000) {
            return trim(us / 1_000_000) + " s";
        }
        if (us >= 1_000) {
            return trim(us / 1_000) + " ms";
        }
        return trim(us) + " µs";
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
