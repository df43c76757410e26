package com.example.bc;

import java.security.SecureRandom;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.BufferedBlockCipher;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA3Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.paddings.PaddedBufferedBlockCipher;
import org.bouncycastle.crypto.params.MLKEMKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

final class BcLightweight {
    GCMBlockCipher aead() {
        return new GCMBlockCipher(new AESEngine());
    }

    BufferedBlockCipher legacyCbc() {
        return new PaddedBufferedBlockCipher(new CBCBlockCipher(new DESedeEngine()));
    }

    BufferedBlockCipher raw() {
        return new PaddedBufferedBlockCipher(new AESEngine());
    }

    byte[] tag(byte[] key, byte[] message) {
        HMac mac = new HMac(new SHA384Digest());
        byte[] out = new byte[mac.getMacSize()];
        mac.update(message, 0, message.length);
        mac.doFinal(out, 0);
        return out;
    }

    CMac cmac() {
        return new CMac(new AESEngine());
    }

    HKDFBytesGenerator hkdf() {
        return new HKDFBytesGenerator(new SHA256Digest());
    }

    PKCS5S2ParametersGenerator pbkdf2(byte[] password, byte[] salt) {
        PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator();
        gen.init(password, salt, 1000);
        return gen;
    }

    SHA3Digest sha3() {
        return new SHA3Digest(512);
    }

    ECDSASigner deterministic() {
        return new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    }

    MLKEMKeyGenerationParameters kemParameters(SecureRandom random) {
        return new MLKEMKeyGenerationParameters(random, MLKEMParameters.ml_kem_1024);
    }

    MLKEMExtractor extractor(MLKEMPrivateKeyParameters key) {
        return new MLKEMExtractor(key);
    }
}
