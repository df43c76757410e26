package corpus;

import java.security.MessageDigest;
import java.security.Signature;

class Signing {
    byte[] sign(java.security.PrivateKey key, byte[] data) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    boolean verifyLegacy(java.security.PublicKey key, byte[] data, byte[] sig) throws Exception {
        Signature v = Signature.getInstance("SHA1withRSA");
        v.initVerify(key);
        return v.verify(sig);
    }

    byte[] ecdsa(java.security.PrivateKey key) throws Exception {
        Signature e = Signature.getInstance("SHA384withECDSA");
        e.initSign(key);
        return e.sign();
    }

    byte[] md5(byte[] data) throws Exception {
        return MessageDigest.getInstance("MD5").digest(data);
    }

    byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    byte[] pq(java.security.PrivateKey key) throws Exception {
        Signature m = Signature.getInstance("ML-DSA-65");
        m.initSign(key);
        return m.sign();
    }
}
