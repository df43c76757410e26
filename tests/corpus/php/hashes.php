<?php
namespace App;

use Firebase\JWT\JWT;
use phpseclib3\Crypt\RSA;

function etag(string $body): string {
    return md5($body);
}

function legacy(string $s): string {
    return sha1($s);
}

function modern(string $s): string {
    return hash('sha256', $s);
}

function mac(string $s, string $k): string {
    return hash_hmac('md5', $s, $k);
}

function token(array $claims, $key): string {
    return JWT::encode($claims, $key, 'RS256');
}

function keys() {
    $private = RSA::createKey(2048);
    $pair = sodium_crypto_sign_keypair();
    return [$private, $pair];
}

class Hasher {
    public function md5(string $x): string { return $x; }
}

function notCrypto(Hasher $h): string {
    # md5('comment') with a hash comment
    $name = 'sha1($value)';
    return $h->md5('x');
}
