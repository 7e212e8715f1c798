/// The dashboard's only stylesheet, inline: readable at 1400 px wide, no web fonts.
enum DashboardStyle {
    static let css = """
    :root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f3f5f8;--card:#fff;--teal:#0f9b9b}
    *{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
    main{max-width:1360px;margin:0 auto;padding:24px 28px 40px}
    header{display:flex;justify-content:space-between;align-items:flex-end;gap:24px;margin-bottom:18px;flex-wrap:wrap}
    h1{margin:0;font-size:26px;letter-spacing:-.02em}h1 span{color:var(--muted);font-weight:400}header p{margin:4px 0 0;color:var(--muted)}
    form{display:flex;gap:10px;align-items:flex-end;flex-wrap:wrap}label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
    input{font:inherit;padding:5px 8px;border:1px solid #cbd2d9;border-radius:6px;background:#fff}
    button{font:inherit;padding:6px 16px;border:0;border-radius:6px;background:#2f6fde;color:#fff;cursor:pointer}
    .kpis{display:grid;grid-template-columns:repeat(6,1fr);gap:14px;margin-bottom:16px}
    .tile{background:var(--card);border-radius:10px;padding:14px 16px;border-top:4px solid #9aa5b1;box-shadow:0 1px 2px rgba(16,24,40,.06)}
    .tile h3{margin:0;font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
    .tile .big{font-size:28px;font-weight:650;margin:4px 0 2px;letter-spacing:-.02em;white-space:nowrap}.tile p{margin:0;color:var(--muted);font-size:12px}
    .tile.good{border-top-color:#2e9d6a}.tile.fair{border-top-color:#e8833a}.tile.poor{border-top-color:#d64545}.tile.teal{border-top-color:var(--teal)}.tile.teal .big{color:var(--teal)}
    .row{display:grid;grid-template-columns:1fr 1fr;gap:16px}
    .card{background:var(--card);border-radius:10px;padding:16px 18px 14px;margin-bottom:16px;box-shadow:0 1px 2px rgba(16,24,40,.06)}
    .card h2{margin:0;font-size:16px}.caption{margin:2px 0 10px;color:var(--muted);font-size:12.5px}
    .chart{width:100%;height:auto;display:block}
    .chart text{font-family:inherit;fill:var(--ink)}.chart .axis{font-size:11px;fill:var(--muted)}.chart .label{font-size:12.5px}
    .chart .strong{font-weight:600}.chart .value{font-size:12.5px;font-weight:600}
    .chart .grid{stroke:var(--line);stroke-width:1}.chart .baseline{stroke:#9aa5b1}.chart .connector{stroke:#9aa5b1;stroke-dasharray:3 3}
    .chart .hundred{stroke:#1f2933;stroke-width:1.5;stroke-dasharray:5 3}.chart .benchmark{stroke:#1f2933;stroke-width:3}
    .chart .break{stroke:#fff;stroke-width:3;fill:none}
    table{width:100%;border-collapse:collapse;font-size:13px}th{text-align:left;color:var(--muted);font-weight:600;font-size:12px;border-bottom:1px solid var(--line);padding:6px 8px}
    td{padding:6px 8px;border-bottom:1px solid var(--line)}tr:last-child td{border-bottom:0}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    .pill{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600}.pill.good{background:#e3f5ec;color:#1d6b47}.pill.fair{background:#fdf0e3;color:#9a4f12}.pill.poor{background:#fbe4e4;color:#9b1c1c}.pill.neutral{background:#eef1f4}
    .status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#eef1f4}
    .status.recovered{background:#dff5f5;color:#0b6f6f}.status.lost{background:#fbe4e4;color:#9b1c1c}.status.acting{background:#e3ecfb;color:#1f4fa8}.status.open{background:#fdf6e3;color:#8a5a00}
    .empty,.note{color:var(--muted);font-style:italic}footer{color:var(--muted);font-size:12px;margin-top:8px}code{background:#e9edf2;padding:1px 5px;border-radius:4px}
    """
}
