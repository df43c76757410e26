package com.example.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import io.jsonwebtoken.Jwts;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class JwtService {
    private static final Logger LOG = LoggerFactory.getLogger(JwtService.class);
    private static final String TOKEN_ALGORITHM = "ES384";

    public String issue(PrivateKey key, String subject) {
        LOG.info("issuing token signed with RS256");
        return Jwts.builder().subject(subject).signWith(key, Jwts.SIG.RS256).compact();
    }

    public String partner(ECPublicKey pub, ECPrivateKey priv, String subject) {
        Algorithm algorithm = Algorithm.ECDSA384(pub, priv);
        return JWT.create().withSubject(subject).sign(algorithm);
    }

    public JWSHeader header() {
        return new JWSHeader(JWSAlgorithm.parse(TOKEN_ALGORITHM));
    }

    public JWEHeader encrypted() {
        return new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM);
    }

    public RSASSASigner signer(PrivateKey key) {
        return new RSASSASigner(key);
    }

    public boolean acceptable(String alg) {
        return "PS256".equals(alg);
    }
}
