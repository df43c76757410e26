package com.example.accounts;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.MessageDigestPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

class Passwords {
    PasswordEncoder current() {
        return new BCryptPasswordEncoder(12);
    }

    PasswordEncoder next() {
        return Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    }

    PasswordEncoder imported() {
        return new MessageDigestPasswordEncoder("MD5");
    }

    String webhook(byte[] secret, String body) {
        return new HmacUtils(HmacAlgorithms.HMAC_SHA_256, secret).hmacHex(body);
    }

    long shard(String key) {
        return Hashing.murmur3_128().hashString(key, StandardCharsets.UTF_8).asLong();
    }

    String contentId(byte[] body) {
        return Hashing.sha256().hashBytes(body).toString();
    }
}
