// The CMake 3.22 view of the package (IDN_PRETEND_CMAKE_VERSION): idn::idn must still bring its
// include directory (and Eigen's) when the FILE_SET block of idnTargets.cmake is skipped.
#include <idn/dnn/zoo.hpp>
#include <idn/version.hpp>

int main() { return idn::dnn::alexnet().num_layers() > 0 && IDN_VERSION_MAJOR == 0 ? 0 : 1; }
