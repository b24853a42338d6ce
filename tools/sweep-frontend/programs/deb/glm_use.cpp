// GLM (header-only, from its Debian source package): vectors, matrices, quaternions.
#include <glm/glm.hpp>
#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtc/quaternion.hpp>
#include <glm/gtx/norm.hpp>
#include <cstdio>

float scene(float t) {
  glm::mat4 proj = glm::perspective(glm::radians(45.0f), 4.0f / 3.0f, 0.1f, 100.0f);
  glm::mat4 view = glm::lookAt(glm::vec3(4, 3, 3), glm::vec3(0), glm::vec3(0, 1, 0));
  glm::quat q = glm::angleAxis(t, glm::normalize(glm::vec3(1, 2, 3)));
  glm::mat4 model = glm::translate(glm::mat4(1.0f), glm::vec3(t, 0, 0)) * glm::mat4_cast(q);
  glm::vec4 p = proj * view * model * glm::vec4(1, 1, 1, 1);
  glm::dmat3 m(1.0);
  m[0][1] = t;
  return p.x / p.w + glm::length2(glm::vec3(p)) + float(glm::determinant(glm::inverse(m))) + glm::dot(glm::cross(glm::vec3(1, 0, 0), glm::vec3(p)), glm::vec3(0, 1, 0));
}

int main() {
  std::printf("%g\n", double(scene(0.5f)));
  return 0;
}
