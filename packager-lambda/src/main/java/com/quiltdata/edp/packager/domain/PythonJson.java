package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json} module writes it, in the two forms quilt3 uses:
 * manifest lines ({@code ensure_ascii=False}, separators {@code ", "} and {@code ": "}, keys in
 * insertion order) and top-hash input ({@code sort_keys=True} by code point, separators {@code ,}
 * and {@code :}, {@code ensure_ascii=True}). Floats are printed as Python's {@code repr}.
 */
public final class PythonJson {
    private PythonJson() {}

    /** A manifest line's JSON: insertion order, spaced separators, non-ASCII written raw. */
    public static String manifest(JsonNode node) {
        StringBuilder out = new StringBuilder(128);
        write(node, out, false);
        return out.toString();
    }

    /** The top-hash form: sorted keys, compact separators, every non-ASCII character escaped. */
    public static String canonical(JsonNode node) {
        StringBuilder out = new StringBuilder(128);
        write(node, out, true);
        return out.toString();
    }

    static void write(JsonNode node, StringBuilder out, boolean canonical) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
            return;
        }
        JsonNodeType type = node.getNodeType();
        switch (type) {
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.size());
                Iterator<Map.Entry<String, JsonNode>> it = node.fields();
                while (it.hasNext()) {
                    fields.add(it.next());
                }
                if (canonical) {
                    fields.sort((a, b) -> CodePoints.compare(a.getKey(), b.getKey()));
                }
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> field : fields) {
                    if (!first) {
                        out.append(canonical ? "," : ", ");
                    }
                    first = false;
                    string(field.getKey(), out, canonical);
                    out.append(canonical ? ":" : ": ");
                    write(field.getValue(), out, canonical);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(canonical ? "," : ", ");
                    }
                    write(node.get(i), out, canonical);
                }
                out.append(']');
            }
            case STRING -> string(node.textValue(), out, canonical);
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NUMBER -> {
                if (node.isIntegralNumber()) {
                    out.append(node.bigIntegerValue().toString());
                } else if (node.isBigDecimal()) {
                    out.append(floatRepr(node.decimalValue().doubleValue()));
                } else {
                    out.append(floatRepr(node.doubleValue()));
                }
            }
            default -> throw new IllegalArgumentException("cannot encode JSON node of type " + type);
        }
    }

    /** A JSON string literal as Python writes it. Lone surrogates cannot be written (quilt3 fails too). */
    public static void string(String s, StringBuilder out, boolean asciiOnly) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (Character.isSurrogate(c)) {
                        boolean paired = Character.isHighSurrogate(c)
                                && i + 1 < s.length()
                                && Character.isLowSurrogate(s.charAt(i + 1));
                        if (!paired) {
                            throw new IllegalArgumentException(
                                    "text contains a lone surrogate U+" + Integer.toHexString(c) + ", which UTF-8 cannot encode");
                        }
                        if (asciiOnly) {
                            unicodeEscape(c, out);
                            unicodeEscape(s.charAt(i + 1), out);
                        } else {
                            out.append(c).append(s.charAt(i + 1));
                        }
                        i++;
                    } else if (c < 0x20 || (asciiOnly && c > 0x7e)) {
                        unicodeEscape(c, out);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicodeEscape(char c, StringBuilder out) {
        out.append("\\u");
        String hex = Integer.toHexString(c);
        for (int pad = hex.length(); pad < 4; pad++) {
            out.append('0');
        }
        out.append(hex);
    }

    /**
     * Python's {@code repr(float)}: the shortest digit string that reads back as the same double,
     * fixed notation for decimal exponents -4..15, scientific otherwise ({@code 1e-05}, {@code 1e+16}).
     */
    public static String floatRepr(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("Out of range float values are not JSON compliant: " + d);
        }
        if (d == 0.0) {
            return (Double.doubleToRawLongBits(d) < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(d);
        BigDecimal shortest = null;
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == d) {
                shortest = candidate;
                break;
            }
        }
        if (shortest == null) {
            shortest = exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
        }
        boolean negative = shortest.signum() < 0;
        BigDecimal abs = shortest.abs().stripTrailingZeros();
        String digits = abs.unscaledValue().toString();
        // value = digits * 10^-scale ; decimal exponent of the first digit:
        int exponent = digits.length() - 1 - abs.scale();
        StringBuilder out = new StringBuilder(24);
        if (negative) {
            out.append('-');
        }
        if (exponent >= -4 && exponent < 16) {
            if (exponent >= 0) {
                if (digits.length() <= exponent + 1) {
                    out.append(digits);
                    out.append("0".repeat(exponent + 1 - digits.length()));
                    out.append(".0");
                } else {
                    out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
                }
            } else {
                out.append("0.");
                out.append("0".repeat(-exponent - 1));
                out.append(digits);
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int absExp = Math.abs(exponent);
            if (absExp < 10) {
                out.append('0');
            }
            out.append(absExp);
        }
        return out.toString();
    }
}
