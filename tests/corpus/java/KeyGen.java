package corpus;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

public class KeyGen {
    private static final int RSA_BITS = 1024;

    public KeyPair legacyRsa() throws Exception {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
        kpg.initialize(RSA_BITS);
        return kpg.generateKeyPair();
    }

    public KeyPair strongRsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        generator.initialize(3072, new java.security.SecureRandom());
        return generator.generateKeyPair();
    }

    public KeyPair ec() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        return ec.generateKeyPair();
    }

    public KeyPair edwards() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    public KeyPair dsa() throws Exception {
        KeyPairGenerator d = KeyPairGenerator.getInstance("DSA");
        d.initialize(1024);
        return d.generateKeyPair();
    }
}
