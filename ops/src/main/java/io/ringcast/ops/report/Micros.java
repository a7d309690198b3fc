package io.ringcast.ops.report;

/** Nanoseconds written as microseconds with three decimals, exactly and without locale: 200191 ns is "200.191". */
final class Micros {
    private Micros() {
    }

    static String of(long ns) {
        long whole = ns / 1_000;
        long fraction = Math.abs(ns % 1_000);
        String sign = ns < 0 && whole == 0 ? "-" : "";
        return sign + whole + "." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + fraction;
    }
}
