//! Readers for existing shell histories. (Being implemented.)
