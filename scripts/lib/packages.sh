# Which of the named Debian packages are not installed: prints them, space-separated (nothing when
# all are). Source it; the install scripts then apt-get install only what is missing.
missing_packages() {
  local package missing=""
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
      missing="$missing $package"
  done
  echo "${missing# }"
}
