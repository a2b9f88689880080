// ITK reference for the PyRadiomics LoG and Gradient image types (SimpleITK wraps these ITK filters):
//   LaplacianRecursiveGaussianImageFilter (SetNormalizeAcrossScale(true), SetSigma(sigma mm)) and
//   GradientMagnitudeImageFilter (SetUseImageSpacing(true)), on double images.
// Build (Debian libinsighttoolkit5-dev):
//   g++ -O2 -std=c++17 -I/usr/include/ITK-5.2 itk_filters.cxx -o /tmp/itk_filters -L/usr/lib -lITKCommon-5.2 -litksys-5.2 -litkvnl-5.2 -litkvnl_algo-5.2 -lITKSmoothing-5.2
// Usage: itk_filters nx ny nz sx sy sz (log SIGMA | gradient) < in.f64 > out.f64   (x fastest, little-endian doubles)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include "itkImage.h"
#include "itkImportImageFilter.h"
#include "itkLaplacianRecursiveGaussianImageFilter.h"
#include "itkGradientMagnitudeImageFilter.h"

using ImageType = itk::Image<double, 3>;

int main(int argc, char ** argv) {
  if (argc < 8) { std::fprintf(stderr, "usage: itk_filters nx ny nz sx sy sz (log SIGMA | gradient)\n"); return 2; }
  const size_t nx = std::atoi(argv[1]), ny = std::atoi(argv[2]), nz = std::atoi(argv[3]);
  const double sp[3] = {std::atof(argv[4]), std::atof(argv[5]), std::atof(argv[6])};
  const size_t n = nx * ny * nz;
  std::vector<double> buf(n);
  if (std::fread(buf.data(), sizeof(double), n, stdin) != n) { std::fprintf(stderr, "short input\n"); return 1; }
  auto importer = itk::ImportImageFilter<double, 3>::New();
  ImageType::SizeType size; size[0] = nx; size[1] = ny; size[2] = nz;
  ImageType::IndexType start; start.Fill(0);
  ImageType::RegionType region(start, size);
  importer->SetRegion(region);
  importer->SetSpacing(sp);
  double origin[3] = {0, 0, 0};
  importer->SetOrigin(origin);
  importer->SetImportPointer(buf.data(), n, false);
  ImageType::Pointer out;
  if (std::strcmp(argv[7], "log") == 0) {
    auto f = itk::LaplacianRecursiveGaussianImageFilter<ImageType, ImageType>::New();
    f->SetInput(importer->GetOutput());
    f->SetNormalizeAcrossScale(true);
    f->SetSigma(std::atof(argv[8]));
    f->Update();
    out = f->GetOutput();
  } else {
    auto f = itk::GradientMagnitudeImageFilter<ImageType, ImageType>::New();
    f->SetInput(importer->GetOutput());
    f->SetUseImageSpacing(true);
    f->Update();
    out = f->GetOutput();
  }
  std::fwrite(out->GetBufferPointer(), sizeof(double), n, stdout);
  return 0;
}
