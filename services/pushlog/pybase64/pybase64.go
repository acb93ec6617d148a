// Package pybase64 decodes base64 as autopush 1.58.4 does, on Python 2.7:
// repad, then base64.urlsafe_b64decode. The server reads a sender's VAPID
// key and token this way, and it is lenient (characters outside the
// alphabet are skipped), so whatever judges what the server accepted (the
// log reader, the push stand-in) must decode alike.
package pybase64

import "errors"

// Repad adds '=' up to a multiple of four characters (autopush jwt.py
// repad; python-jose's base64url_decode does the same): the server calls
// it before every base64 decode. It counts bytes, as Python 2 does.
func Repad(s string) string {
	if n := len(s) % 4; n != 0 {
		return s + "===="[n:]
	}
	return s
}

// ErrIncorrectPadding is binascii's error for a quad left incomplete.
var ErrIncorrectPadding = errors.New("Incorrect padding")

// URLSafeDecode is Python 2.7's base64.urlsafe_b64decode: '-' and '_'
// become '+' and '/', then binascii.a2b_base64 (CPython 2.7
// Modules/binascii.c), which skips every character outside the base64
// alphabet, skips a '=' that comes too early in a quad, stops at a pad
// sequence that ends one, and fails with ErrIncorrectPadding when a quad
// is left incomplete. Both alphabets are taken, mixed.
func URLSafeDecode(s string) ([]byte, error) {
	in := []byte(s)
	for i, c := range in {
		switch c {
		case '-':
			in[i] = '+'
		case '_':
			in[i] = '/'
		}
	}
	out := make([]byte, 0, len(in)*3/4)
	var leftchar uint32
	leftbits, quadPos := 0, 0
decode:
	for i, c := range in {
		if c == '=' {
			if quadPos < 2 || (quadPos == 2 && nextValid(in[i+1:]) != '=') {
				continue
			}
			leftbits = 0 // a pad sequence ends the input
			break decode
		}
		v := value(c)
		if v < 0 {
			continue
		}
		quadPos = (quadPos + 1) & 3
		leftchar = leftchar<<6 | uint32(v)
		leftbits += 6
		if leftbits >= 8 {
			leftbits -= 8
			out = append(out, byte(leftchar>>leftbits))
			leftchar &= 1<<leftbits - 1
		}
	}
	if leftbits != 0 {
		return nil, ErrIncorrectPadding
	}
	return out, nil
}

// nextValid is the first character of s that a2b_base64 counts as valid
// (the alphabet and '='; binascii_find_valid), or 0.
func nextValid(s []byte) byte {
	for _, c := range s {
		if c == '=' || value(c) >= 0 {
			return c
		}
	}
	return 0
}

// value is c's value in the standard base64 alphabet, or -1 (every byte
// above 0x7f included).
func value(c byte) int {
	switch {
	case 'A' <= c && c <= 'Z':
		return int(c - 'A')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 26
	case '0' <= c && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	}
	return -1
}
