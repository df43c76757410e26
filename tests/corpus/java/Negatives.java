package corpus;

/**
 * Documentation that mentions KeyPairGenerator.getInstance("RSA") and
 * Signature.getInstance("SHA1withRSA") must not count.
 */
class Negatives {
    // KeyPairGenerator kpg = KeyPairGenerator.getInstance("DSA");
    static final String EXAMPLE = "Cipher.getInstance(\"DES\")";
    static final String BLOCK = """
        MessageDigest.getInstance("MD5")
        """;

    static class MyKeyPairGenerator {
        static Object getInstance(String name) { return null; }
    }

    Object lookAlike() {
        return MyKeyPairGenerator.getInstance("RSA");
    }

    void dead() throws Exception {
        if (false) {
            java.security.MessageDigest.getInstance("SHA-1");
        }
    }

    Object dynamic(String alg) throws Exception {
        return java.security.KeyPairGenerator.getInstance(alg);
    }

    char quote() {
        return '"';
    }

    String afterQuote() {
        return "KeyAgreement.getInstance(\"DH\")";
    }
}
