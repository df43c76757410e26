<?php

declare(strict_types=1);

namespace App\Accounts;

use Firebase\JWT\JWT;
use Firebase\JWT\Key;
use phpseclib3\Crypt\AES;
use phpseclib3\Net\SSH2;

final class Accounts
{
    private const TOKEN_ALG = 'RS256';
    private const ITERATIONS = 100000;

    public function storePassword(string $password): string
    {
        return password_hash($password, PASSWORD_ARGON2ID);
    }

    public function legacyPassword(string $password): string
    {
        return password_hash($password, PASSWORD_DEFAULT);
    }

    public function deriveKey(string $password, string $salt): string
    {
        return hash_pbkdf2('sha256', $password, $salt, self::ITERATIONS, 32, true);
    }

    public function exportKey(string $password, string $salt): string
    {
        return openssl_pbkdf2($password, $salt, 32, 10000);
    }

    public function seal(string $key, string $plain): string
    {
        $iv = random_bytes(12);
        $tag = '';
        $cipher = openssl_encrypt($plain, 'aes-256-gcm', $key, OPENSSL_RAW_DATA, $iv, $tag);
        return $iv . $tag . $cipher;
    }

    public function legacyOpen(string $key, string $blob): string
    {
        return openssl_decrypt($blob, 'des-ede3-cbc', $key, OPENSSL_RAW_DATA, substr($blob, 0, 8));
    }

    public function secretBox(string $message, string $nonce, string $key): string
    {
        return sodium_crypto_secretbox($message, $nonce, $key);
    }

    public function webhook(string $secret, string $body): string
    {
        return hash_hmac('sha512', $body, $secret);
    }

    public function session(array $claims, string $privateKey): string
    {
        return JWT::encode($claims, $privateKey, self::TOKEN_ALG);
    }

    public function verify(string $jwt, string $publicKey): object
    {
        return JWT::decode($jwt, new Key($publicKey, 'ES256'));
    }

    public function resetToken(): string
    {
        $token = md5(uniqid((string) mt_rand(), true));
        return $token;
    }

    public function lottery(): int
    {
        return mt_rand(1, 49);
    }

    public function phpseclibCipher(string $key): AES
    {
        $aes = new AES('ecb');
        $aes->setKey($key);
        return $aes;
    }

    public function legacyHttp(string $url): mixed
    {
        $context = stream_context_create(['ssl' => ['crypto_method' => STREAM_CRYPTO_METHOD_TLSv1_0_CLIENT]]);
        return file_get_contents($url, false, $context);
    }

    public function router(string $host): SSH2
    {
        $ssh = new SSH2($host);
        $ssh->setPreferredAlgorithms([
            'kex' => ['diffie-hellman-group14-sha1', 'curve25519-sha256'],
            'hostkey' => ['ssh-rsa'],
        ]);
        return $ssh;
    }
}
