"""Certificates (giấy chứng nhận): numbering, PDF with QR, public verification, revocation, validity."""
