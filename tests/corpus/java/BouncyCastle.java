package corpus;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.bouncycastle.crypto.agreement.X25519Agreement;

class BouncyCastle {
    void run() {
        RSAKeyPairGenerator gen = new RSAKeyPairGenerator();
        gen.init(new RSAKeyGenerationParameters(BigInteger.valueOf(65537), new SecureRandom(), 2048, 80));
        RSADigestSigner signer = new RSADigestSigner(new SHA1Digest());
        RSADigestSigner modern = new RSADigestSigner(new SHA256Digest());
        Ed25519KeyPairGenerator ed = new Ed25519KeyPairGenerator();
        X25519Agreement agreement = new X25519Agreement();
        RSAEngine engine = new RSAEngine();
        SHA1Digest plain = new SHA1Digest();
    }
}
