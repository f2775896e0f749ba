#pragma once
// A gnuplot script for one figure of an example: one line per series selected from a long-format
// CSV (one row per x and series, the series name in a string column), rendered to a PNG and a
// PDF side by side. Styles are meant for papers: every series has its own dash pattern and point
// shape as well as its colour (Okabe–Ito, colour-blind safe, with Tol's wine instead of the hard-to-see yellow), so the figure survives grayscale;
// names are printed verbatim (noenhanced: an underscore is not a subscript); a band column, when
// given, draws a shaded ±band around the line (for example a 95 % confidence interval over seeds).
// Rendered by CTest (examples/render_plot.cmake) when gnuplot is installed.
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace idn_examples {

struct gnuplot_series {
  std::string key;    ///< value of the CSV's series column
  std::string label;  ///< legend text (printed verbatim)
};

struct gnuplot_figure {
  std::string stem;       ///< writes <stem>.gp; the script writes <stem>.png and <stem>.pdf
  std::string csv;        ///< data file, relative to the script's directory
  std::string title;
  std::string xlabel, ylabel;  ///< with units
  int x_column = 1, series_column = 2, y_column = 3;  ///< 1-based CSV columns
  std::optional<int> band_column;                     ///< half-width of a band around y
  std::optional<std::pair<double, double>> yrange;    ///< default: gnuplot's autoscale
  bool log_x = false;
  bool points = false;  ///< marks at every data point (sparse sweeps) besides the line
  int point_interval = 10;  ///< otherwise a mark every this many points (about 15 per line reads well)
  std::string key_position = "top right";
  std::vector<gnuplot_series> series;
};

/// Escapes a string for a gnuplot double-quoted literal.
inline std::string gnuplot_quote(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

/// Writes dir/<stem>.gp. Run it as `gnuplot <stem>.gp` inside dir.
inline void write_gnuplot_figure(const std::filesystem::path& dir, const gnuplot_figure& f) {
  static const char* const colours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                        "#56B4E9", "#000000", "#999999", "#882255"};
  constexpr std::size_t num_colours = sizeof(colours) / sizeof(colours[0]);
  std::ofstream gp(dir / (f.stem + ".gp"));
  gp << "# gnuplot " << f.stem << ".gp -> " << f.stem << ".png, " << f.stem << ".pdf (written by an idn example)\n"
     << "set datafile separator ','\nset datafile missing NaN\n"
     << "set title " << gnuplot_quote(f.title) << "\nset xlabel " << gnuplot_quote(f.xlabel) << "\nset ylabel "
     << gnuplot_quote(f.ylabel) << "\nset key " << f.key_position << " box opaque samplen 4\nset grid lc rgb '#dddddd'\n";
  if (f.log_x) gp << "set logscale x\n";
  if (f.yrange) gp << "set yrange [" << f.yrange->first << ':' << f.yrange->second << "]\n";
  for (std::size_t i = 0; i < f.series.size(); ++i)
    gp << "set style line " << i + 1 << " lc rgb '" << colours[i % num_colours] << "' lw 2 dt " << i % 5 + 1 << " pt "
       << (i % 7) + 1 << " ps 0.8" << (f.points ? std::string() : " pi " + std::to_string(f.point_interval)) << '\n';
  const std::string sel = "(strcol(" + std::to_string(f.series_column) + ") eq ";
  const std::string x = "$" + std::to_string(f.x_column), y = "$" + std::to_string(f.y_column);
  gp << "set terminal pngcairo noenhanced size 1000,600 font ',11'\nset output '" << f.stem << ".png'\nplot ";
  bool first = true;
  if (f.band_column) {
    const std::string b = "$" + std::to_string(*f.band_column);
    for (std::size_t i = 0; i < f.series.size(); ++i) {
      gp << (first ? "" : ", \\\n     ") << "'" << f.csv << "' using " << sel << gnuplot_quote(f.series[i].key) << " ? " << x
         << " : NaN):(" << y << " - " << b << "):(" << y << " + " << b << ") with filledcurves fs transparent solid 0.2 noborder lc rgb '"
         << colours[i % num_colours] << "' notitle";
      first = false;
    }
  }
  for (std::size_t i = 0; i < f.series.size(); ++i) {
    gp << (first ? "" : ", \\\n     ") << "'" << f.csv << "' using " << sel << gnuplot_quote(f.series[i].key) << " ? " << x
       << " : NaN):" << f.y_column << " with linespoints ls " << i + 1 << " title " << gnuplot_quote(f.series[i].label);
    first = false;
  }
  gp << "\nset terminal pdfcairo noenhanced size 6.5in,3.9in font ',9'\nset output '" << f.stem
     << ".pdf'\nreplot\nunset output\n";
}

}  // namespace idn_examples
