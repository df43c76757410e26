<?php
// Warehouse tools: words of cryptography, none of it is (one look-alike per family).

class Clerk
{
    public function sign(string $document): string
    {
        return $document . "\n-- The Keeper";
    }
}

function exchange(float $amount, float $rate): float
{
    return $amount * $rate;
}

function tools(): array
{
    $signed = (new Clerk())->sign('invoice 7');
    $change = exchange(12.0, 1.08);
    $mac = '00:1a:2b:3c:4d:5e';
    // $key = hash_pbkdf2('sha256', $password, $salt, 600000) lives in the login service
    // $pair = openssl_pkey_new(['private_key_bits' => 1024]) was the old installer
    $context = stream_context_create(['http' => ['method' => 'GET', 'timeout' => 5]]);
    $hmac = 'hash_hmac';
    return [$signed, $change, $mac, $context, $hmac];
}
