package corpus;

import java.security.KeyPairGenerator;
import java.security.spec.NamedParameterSpec;
import javax.crypto.KEM;

class PostQuantum {
    void keys() throws Exception {
        KeyPairGenerator mldsa = KeyPairGenerator.getInstance("ML-DSA");
        mldsa.initialize(NamedParameterSpec.ML_DSA_87);
        KeyPairGenerator mlkem = KeyPairGenerator.getInstance("ML-KEM");
        KEM kem = KEM.getInstance("ML-KEM-1024");
        KeyPairGenerator xdh = KeyPairGenerator.getInstance("X25519");
    }
}
