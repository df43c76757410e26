package com.example.kex;

import java.security.AlgorithmParameterGenerator;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import javax.crypto.KEM;
import javax.crypto.KeyAgreement;

final class KeyExchange {
    KeyPair ephemeral() throws Exception {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(new ECGenParameterSpec("secp384r1"));
        return kpg.generateKeyPair();
    }

    byte[] agree(KeyPair mine, PublicKey peer) throws Exception {
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(mine.getPrivate());
        agreement.doPhase(peer, true);
        return agreement.generateSecret();
    }

    byte[] xdh(KeyPair mine, PublicKey peer) throws Exception {
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        ka.init(mine.getPrivate(), NamedParameterSpec.X25519);
        ka.doPhase(peer, true);
        return ka.generateSecret();
    }

    PublicKey load(byte[] der) throws Exception {
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    }

    Object dhParameters() throws Exception {
        AlgorithmParameterGenerator generator = AlgorithmParameterGenerator.getInstance("DH");
        generator.init(2048);
        return generator.generateParameters();
    }

    KEM.Encapsulated encapsulate(PublicKey receiver) throws Exception {
        KEM kem = KEM.getInstance("ML-KEM");
        return kem.newEncapsulator(receiver).encapsulate();
    }

    KEM.Encapsulated hpke(PublicKey receiver) throws Exception {
        return KEM.getInstance("DHKEM").newEncapsulator(receiver).encapsulate();
    }

    KeyPair mlkem1024() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("ML-KEM");
        g.initialize(NamedParameterSpec.ML_KEM_1024);
        return g.generateKeyPair();
    }
}
