// Loop checkpointing on rustc output (test/ad/checkpoint.test.ts): state in registers, a u64 range loop.
#[no_mangle]
pub extern "C" fn osc(a: f64, y0: f64, n: u64) -> f64 {
    let (mut y, mut v) = (y0, 0.0f64);
    for _ in 0..n {
        let acc = -a * y - 0.2 * v + 0.1 * y.sin();
        v += 1e-3 * acc;
        y += 1e-3 * v;
    }
    y
}
