package corpus;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;

class Ciphers {
    void run() throws Exception {
        Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
        Cipher legacy = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        Cipher tdes = Cipher.getInstance("DESede/CBC/PKCS5Padding");
        Cipher des = Cipher.getInstance("DES/ECB/PKCS5Padding");
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        KeyAgreement x = KeyAgreement.getInstance("X25519");
        Mac mac = Mac.getInstance("HmacSHA1");
        Mac good = Mac.getInstance("HmacSHA384");
    }
}
