package dev.autotls.internal.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The plain shape of PEM this library writes (blocks of {@code -----BEGIN type-----},
 * base64 lines, {@code -----END type-----}), split without a general parser: loading 10,000
 * stored certificates spends much of its time in Bouncy Castle's and the JDK's character-wise
 * PEM readers. Anything else (headers, text between blocks, bad base64) gives null, and the
 * caller falls back to the general parser, which reads everything it always read.
 */
final class PemBlocks {
    /** One block: its type ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...) and its DER bytes. */
    record Block(String type, byte[] der) {
    }

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    private PemBlocks() {
    }

    /** The blocks in {@code pem}, or null if it is not in the plain shape. */
    static List<Block> split(byte[] pem) {
        String text = new String(pem, StandardCharsets.US_ASCII);
        List<Block> blocks = new ArrayList<>(2);
        int at = 0;
        while (true) {
            at = skipBlank(text, at);
            if (at == text.length()) {
                return blocks.isEmpty() ? null : blocks;
            }
            if (!text.startsWith(BEGIN, at)) {
                return null;
            }
            int typeEnd = text.indexOf(DASHES, at + BEGIN.length());
            if (typeEnd < 0) {
                return null;
            }
            String type = text.substring(at + BEGIN.length(), typeEnd);
            String end = END + type + DASHES;
            int bodyStart = typeEnd + DASHES.length();
            int bodyEnd = text.indexOf(end, bodyStart);
            if (bodyEnd < 0) {
                return null;
            }
            String body = text.substring(bodyStart, bodyEnd);
            if (body.indexOf(':') >= 0) { // headers (encrypted keys): the general parser's business
                return null;
            }
            try {
                blocks.add(new Block(type, Base64.getMimeDecoder().decode(body)));
            } catch (IllegalArgumentException e) {
                return null;
            }
            at = bodyEnd + end.length();
        }
    }

    private static int skipBlank(String text, int at) {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at;
    }
}
