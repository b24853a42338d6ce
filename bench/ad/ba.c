// GradBench / ADBench "ba" (bundle adjustment), written from its public
// description: the reprojection error of each observation (a camera of 11
// parameters: Rodrigues rotation, centre, focal length, principal point, two
// radial distortion coefficients; a 3-D point; a weight) and the weight error
// 1 - w^2. The Jacobian is taken the way GradBench's C++ tools take it: per
// observation, one reverse sweep per residual (seed (1,0), then (0,1)).
#include <math.h>

extern int enzyme_dup, enzyme_dupnoneed, enzyme_const;
void __enzyme_autodiff(void *, ...);

static void cross(const double *a, const double *b, double *out) {
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

static void rodrigues_rotate_point(const double *rot, const double *pt, double *out) {
  double sqtheta = rot[0] * rot[0] + rot[1] * rot[1] + rot[2] * rot[2];
  if (sqtheta != 0) {
    double theta = sqrt(sqtheta), costheta = cos(theta), sintheta = sin(theta), inv = 1 / theta;
    double w[3] = { rot[0] * inv, rot[1] * inv, rot[2] * inv }, wx[3];
    cross(w, pt, wx);
    double tmp = (w[0] * pt[0] + w[1] * pt[1] + w[2] * pt[2]) * (1 - costheta);
    for (int i = 0; i < 3; i++) out[i] = pt[i] * costheta + wx[i] * sintheta + w[i] * tmp;
  } else {
    double rx[3];
    cross(rot, pt, rx);
    for (int i = 0; i < 3; i++) out[i] = pt[i] + rx[i];
  }
}

static void radial_distort(const double *rad, double *proj) {
  double rsq = proj[0] * proj[0] + proj[1] * proj[1];
  double l = 1 + rad[0] * rsq + rad[1] * rsq * rsq;
  proj[0] *= l;
  proj[1] *= l;
}

static void project(const double *cam, const double *X, double *proj) {
  double xo[3] = { X[0] - cam[3], X[1] - cam[4], X[2] - cam[5] }, xc[3];
  rodrigues_rotate_point(cam, xo, xc);
  proj[0] = xc[0] / xc[2];
  proj[1] = xc[1] / xc[2];
  radial_distort(&cam[9], proj);
  proj[0] = proj[0] * cam[6] + cam[7];
  proj[1] = proj[1] * cam[6] + cam[8];
}

void compute_reproj_error(const double *cam, const double *X, const double *w, const double *feat, double *err) {
  double proj[2];
  project(cam, X, proj);
  err[0] = *w * (proj[0] - feat[0]);
  err[1] = *w * (proj[1] - feat[1]);
}

void ba_objective(int p, const double *cams, const double *X, const double *w, const int *obs, const double *feats,
                  double *reproj_err, double *w_err) {
  for (int i = 0; i < p; i++)
    compute_reproj_error(&cams[11 * obs[2 * i]], &X[3 * obs[2 * i + 1]], &w[i], &feats[2 * i], &reproj_err[2 * i]);
  for (int i = 0; i < p; i++) w_err[i] = 1 - w[i] * w[i];
}

// Rows 2i and 2i+1 of the Jacobian (15 columns each: camera, point, weight),
// then d w_err[i] / d w[i], for every observation: 31 numbers per observation.
void ba_jacobian_enzyme(int p, const double *cams, const double *X, const double *w, const int *obs, const double *feats,
                        double *J) {
  for (int i = 0; i < p; i++) {
    double *row = &J[31 * i];
    for (int r = 0; r < 2; r++) {
      double *g = &row[15 * r];
      double err[2], derr[2] = { r == 0, r == 1 };
      for (int c = 0; c < 15; c++) g[c] = 0;
      __enzyme_autodiff((void *)compute_reproj_error, enzyme_dup, &cams[11 * obs[2 * i]], g,
                        enzyme_dup, &X[3 * obs[2 * i + 1]], &g[11], enzyme_dup, &w[i], &g[14],
                        enzyme_const, &feats[2 * i], enzyme_dupnoneed, err, derr);
    }
    row[30] = -2 * w[i];
  }
}
