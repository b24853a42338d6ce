//! Structs of floats behind references: a particle, an array field, a slice of structs and a
//! struct written through `&mut`. Uses std::autodiff's `#[autodiff_reverse]` spelling.
use enzyme_autodiff::autodiff_reverse;
use fdcheck::Report;

#[derive(Clone, Copy, Debug, Default)]
struct Particle {
    pos: [f64; 2],
    vel: [f64; 2],
    mass: f64,
}

impl Particle {
    fn to_vec(self) -> Vec<f64> {
        vec![self.pos[0], self.pos[1], self.vel[0], self.vel[1], self.mass]
    }
    fn from_slice(v: &[f64]) -> Particle {
        Particle { pos: [v[0], v[1]], vel: [v[2], v[3]], mass: v[4] }
    }
}

/// Kinetic plus potential energy in a gravity field `g` (Const).
#[autodiff_reverse(d_energy, Duplicated, Const, Active)]
fn energy(p: &Particle, g: f64) -> f64 {
    0.5 * p.mass * (p.vel[0] * p.vel[0] + p.vel[1] * p.vel[1]) + p.mass * g * p.pos[1]
}

/// Pairwise gravitational potential of a system of particles.
#[autodiff_reverse(d_potential, Duplicated, Active)]
fn potential(ps: &[Particle]) -> f64 {
    let mut e = 0.0;
    for i in 0..ps.len() {
        for j in i + 1..ps.len() {
            let dx = ps[i].pos[0] - ps[j].pos[0];
            let dy = ps[i].pos[1] - ps[j].pos[1];
            e -= ps[i].mass * ps[j].mass / (dx * dx + dy * dy + 0.01).sqrt();
        }
    }
    e
}

/// One explicit Euler step, written into `next`.
#[autodiff_reverse(d_step, Duplicated, Active, Duplicated)]
fn step(p: &Particle, dt: f64, next: &mut Particle) {
    next.pos = [p.pos[0] + dt * p.vel[0], p.pos[1] + dt * p.vel[1]];
    next.vel = [p.vel[0], p.vel[1] - dt * 9.81];
    next.mass = p.mass;
}

fn main() {
    let mut r = Report::new("structs behind references");
    let p = Particle { pos: [0.5, 2.0], vel: [1.5, -0.25], mass: 3.0 };

    let mut dp = Particle::default();
    let e = d_energy(&p, &mut dp, 9.81, 1.0);
    r.close("energy", e, energy(&p, 9.81), 1e-12);
    let fd = fdcheck::gradient(&|v| energy(&Particle::from_slice(v), 9.81), &p.to_vec());
    r.all_close("d energy / d particle", &dp.to_vec(), &fd, 1e-6);

    let ps = [p, Particle { pos: [-1.0, 0.25], vel: [0.0; 2], mass: 1.5 }, Particle { pos: [0.75, -0.5], vel: [0.0; 2], mass: 0.5 }];
    let mut dps = [Particle::default(); 3];
    let v = d_potential(&ps, &mut dps, 1.0);
    r.close("potential", v, potential(&ps), 1e-12);
    let flat: Vec<f64> = ps.iter().flat_map(|q| q.to_vec()).collect();
    let fd = fdcheck::gradient(&|v| {
        let qs: Vec<Particle> = v.chunks(5).map(Particle::from_slice).collect();
        potential(&qs)
    }, &flat);
    let got: Vec<f64> = dps.iter().flat_map(|q| q.to_vec()).collect();
    r.all_close("d potential / d particles", &got, &fd, 1e-6);

    // L(p, dt) = weights . step(p, dt): seed the shadow of `next` with the weights.
    let wts = [0.3, -0.7, 1.1, 0.9, -0.4];
    let mut next = Particle::default();
    let mut dnext = Particle::from_slice(&wts);
    let mut dp = Particle::default();
    let ddt = d_step(&p, &mut dp, 0.1, &mut next, &mut dnext);
    let loss = |v: &[f64]| {
        let mut n = Particle::default();
        step(&Particle::from_slice(&v[..5]), v[5], &mut n);
        n.to_vec().iter().zip(&wts).map(|(a, b)| a * b).sum::<f64>()
    };
    let mut at = p.to_vec();
    at.push(0.1);
    let fd = fdcheck::gradient(&loss, &at);
    r.all_close("step: d/d particle", &dp.to_vec(), &fd[..5], 1e-6);
    r.close("step: d/d dt", ddt, fd[5], 1e-6);
    r.finish();
}
