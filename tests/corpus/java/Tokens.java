package corpus;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.SignatureAlgorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.Curve;

class Tokens {
    String jjwt(java.security.Key key) {
        return Jwts.builder().setSubject("a").signWith(key, SignatureAlgorithm.RS256).compact();
    }

    String auth0(java.security.interfaces.RSAPublicKey pub, java.security.interfaces.RSAPrivateKey priv) {
        Algorithm rsa = Algorithm.RSA256(pub, priv);
        Algorithm hmac = Algorithm.HMAC256("not-a-real-secret");
        return JWT.create().sign(rsa);
    }

    Object nimbus() throws Exception {
        JWSAlgorithm alg = JWSAlgorithm.ES256;
        Object rsaJwk = new RSAKeyGenerator(2048).generate();
        Object ecJwk = new ECKeyGenerator(Curve.P_384).generate();
        return alg;
    }

    String unsigned() {
        return Jwts.builder().signWith(null, SignatureAlgorithm.NONE).compact();
    }
}
