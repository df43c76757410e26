package corpus;

import java.util.Calendar;

/** Harder cases: constants, fully qualified names, fields, dynamic names. */
public class Tricky {
    private static final String ALG = "RSA";
    private java.security.KeyPairGenerator kpg;

    void fromConstant() throws Exception {
        java.security.KeyPairGenerator.getInstance(ALG).generateKeyPair();
    }

    void field() throws Exception {
        this.kpg = java.security.KeyPairGenerator.getInstance("DSA");
        kpg.initialize(2048);
    }

    byte[] qualified(byte[] d) throws Exception {
        return java.security.Signature.getInstance("SHA512withRSA").sign();
    }

    Object dynamic(java.util.Properties config) throws Exception {
        Calendar.getInstance();
        return javax.crypto.Cipher.getInstance(config.getProperty("cipher"));
    }

    @SuppressWarnings("Signature.getInstance(\"MD5withRSA\")")
    void annotated() {}
}
