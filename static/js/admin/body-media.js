/* Photos and embeds inside a story's body, for the body editor (django-prose-editor, Tiptap).

   The story stores only references: <figure data-photo-id="12"></figure> for a photo of the
   library, <figure data-embed="https://…"></figure> for an embed. The public page expands them
   (reader/story_body.py); here the editor shows a small card for each. "Insert photo" opens a
   dialog that searches the library (caption, credit, date) or uploads a photo with its credit;
   "Embed" checks a pasted address against the newsroom's providers (desk/body_media.py). */
import { Node, crel } from "django-prose-editor/editor"

const cards = new Map() // photo id -> promise of its card (caption, credit, thumbnail…)

function csrfToken() {
  const input = document.querySelector("[name=csrfmiddlewaretoken]")
  return input ? input.value : ""
}

function addStylesheet(href) {
  if (href && !document.querySelector(`link[href="${href}"]`)) {
    document.head.append(crel("link", { rel: "stylesheet", href }))
  }
}

function photoCard(pickerUrl, id) {
  if (!cards.has(id)) {
    const url = `${pickerUrl}?ids=${encodeURIComponent(id)}`
    cards.set(
      id,
      fetch(url, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => data.results[0] || null)
        .catch(() => null),
    )
  }
  return cards.get(id)
}

function rememberCard(card) {
  cards.set(String(card.id), Promise.resolve(card))
}

function cardBody(card, libraryUrl) {
  const parts = []
  if (card.thumbnail) {
    parts.push(crel("img", { src: card.thumbnail, alt: "", className: "body-media__thumb" }))
  } else {
    parts.push(crel("span", { className: "body-media__thumb body-media__thumb--empty" }, ["⏳"]))
  }
  const caption = crel("figcaption", { className: "body-media__text" }, [
    crel("span", { className: "body-media__caption" }, [card.caption || "(no caption)"]),
    crel("span", { className: "body-media__credit" }, [card.credit || "No credit yet"]),
  ])
  if (!card.alt_text) {
    caption.append(
      crel("a", {
        className: "body-media__warning",
        href: `${libraryUrl}${card.id}/change/`,
        target: "_blank",
        textContent: "No alt text yet: add it before publishing",
      }),
    )
  }
  if (!card.may_republish) {
    caption.append(
      crel("span", {
        className: "body-media__rights",
        textContent: "Partners may not reuse it: left out of their copy",
      }),
    )
  }
  parts.push(caption)
  return parts
}

// The editing area is a multi-line text box named by the field's label, for screen readers
// (and for tests that find it by role and name).
function nameTheEditingArea(editor) {
  const area = editor.view.dom
  const wrapper = area.closest(".prose-editor")
  const textarea = wrapper && wrapper.querySelector("textarea")
  const label = textarea && textarea.id && document.querySelector(`label[for="${textarea.id}"]`)
  area.setAttribute("role", "textbox")
  area.setAttribute("aria-multiline", "true")
  if (label && !area.hasAttribute("aria-label")) {
    area.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim())
  }
}

// --- the dialogs ---

function openDialog(editor, title, build) {
  const dialog = crel("dialog", {
    className: "body-media-dialog",
    "aria-labelledby": "body-media-dialog-title",
  })
  const close = () => {
    dialog.close()
    dialog.remove()
    editor.commands.focus()
  }
  dialog.append(
    crel("h2", { id: "body-media-dialog-title", textContent: title }),
    ...build(close),
    crel("p", { className: "body-media-dialog__close" }, [
      crel("button", { type: "button", textContent: "Cancel", onclick: close }),
    ]),
  )
  dialog.addEventListener("close", () => {
    dialog.remove()
    editor.commands.focus() // Escape closes the dialog too: back to the text
  })
  document.body.append(dialog)
  dialog.showModal()
  return dialog
}

function field(label, input, hint) {
  const id = `body-media-${Math.random().toString(36).slice(2)}`
  input.id = id
  const children = [crel("label", { htmlFor: id, textContent: label }), input]
  if (hint) {
    children.push(crel("small", { textContent: hint }))
  }
  return crel("p", { className: "body-media-dialog__field" }, children)
}

function photoDialog(editor, options) {
  const insert = (card, close) => {
    rememberCard(card)
    editor
      .chain()
      .focus()
      .insertContent({ type: "inlinePhoto", attrs: { photoId: String(card.id) } })
      .run()
    close()
  }

  openDialog(editor, "Insert a photo", (close) => {
    // Search the library.
    const query = crel("input", { type: "search", autocomplete: "off" })
    const day = crel("input", { type: "date" })
    const results = crel("ul", { className: "body-media-dialog__results", role: "list" })
    const status = crel("p", { className: "body-media-dialog__status", role: "status" })
    let timer
    const search = () => {
      const params = new URLSearchParams({ q: query.value, date: day.value })
      fetch(`${options.pickerUrl}?${params}`, { credentials: "same-origin" })
        .then((response) => response.json())
        .then((data) => {
          results.replaceChildren(
            ...data.results.map((card) =>
              crel("li", {}, [
                crel(
                  "button",
                  {
                    type: "button",
                    className: "body-media-dialog__result",
                    "aria-label": `Insert “${card.caption || card.id}” (${card.credit || "no credit"})`,
                    onclick: () => insert(card, close),
                  },
                  cardBody(card, options.libraryUrl).map((part) =>
                    part.tagName === "A" ? crel("span", { textContent: part.textContent }) : part,
                  ),
                ),
              ]),
            ),
          )
          status.textContent = data.results.length
            ? `${data.results.length} photos found.`
            : "No photo in the library matches."
        })
        .catch(() => {
          status.textContent = "The library cannot be searched right now."
        })
    }
    const later = () => {
      clearTimeout(timer)
      timer = setTimeout(search, 250)
    }
    query.addEventListener("input", later)
    day.addEventListener("change", search)
    search()

    // Or upload a photo from this device.
    const file = crel("input", { type: "file", accept: "image/jpeg,image/png,image/webp,image/gif" })
    const alt = crel("input", { type: "text", maxLength: 300 })
    const caption = crel("textarea", { rows: 2 })
    const photographer = crel("input", { type: "text", maxLength: 200 })
    const agency = crel("input", { type: "text", maxLength: 200 })
    const progress = crel("progress", { max: 100, value: 0, hidden: true })
    const uploadStatus = crel("p", { className: "body-media-dialog__status", role: "status" })
    const upload = () => {
      if (!file.files.length) {
        uploadStatus.textContent = "Choose a photo file first."
        return
      }
      const data = new FormData()
      data.append("image", file.files[0])
      data.append("alt_text", alt.value)
      data.append("caption", caption.value)
      data.append("photographer", photographer.value)
      data.append("agency", agency.value)
      const request = new XMLHttpRequest()
      request.open("POST", options.uploadUrl)
      request.setRequestHeader("X-CSRFToken", csrfToken())
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) {
          progress.value = Math.round((event.loaded / event.total) * 100)
        }
      })
      request.addEventListener("load", () => {
        progress.hidden = true
        let answer = {}
        try {
          answer = JSON.parse(request.responseText)
        } catch {
          answer = {}
        }
        if (answer.photo) {
          insert(answer.photo, close)
        } else {
          const errors = Object.values(answer.errors || {}).flat()
          uploadStatus.textContent = errors.join(" ") || "The upload failed: try again."
        }
      })
      request.addEventListener("error", () => {
        progress.hidden = true
        uploadStatus.textContent = "The upload failed (no connection?): try again."
      })
      progress.hidden = false
      uploadStatus.textContent = "Uploading…"
      request.send(data)
    }

    return [
      crel("section", { "aria-label": "Search the library" }, [
        crel("h3", { textContent: "From the library" }),
        field("Search captions and credits", query),
        field("Added on", day),
        status,
        results,
      ]),
      crel("section", { "aria-label": "Upload a photo" }, [
        crel("h3", { textContent: "Upload a photo" }),
        field("Photo file", file, "Credits written into the file fill the empty fields."),
        field("Alt text", alt, "What the photo shows, for readers who cannot see it. Required to publish."),
        field("Caption", caption),
        field("Photographer", photographer),
        field("Agency", agency),
        progress,
        uploadStatus,
        crel("p", {}, [
          crel("button", { type: "button", textContent: "Upload and insert", onclick: upload }),
        ]),
      ]),
    ]
  })
}

function embedDialog(editor, options) {
  openDialog(editor, "Embed a post, video, document or chart", (close) => {
    const url = crel("input", { type: "url", placeholder: "https://", autocomplete: "off" })
    const status = crel("p", { className: "body-media-dialog__status", role: "alert" })
    const embed = () => {
      fetch(`${options.checkUrl}?${new URLSearchParams({ url: url.value })}`, {
        credentials: "same-origin",
      })
        .then((response) => response.json())
        .then((answer) => {
          if (answer.error) {
            status.textContent = answer.error
            return
          }
          editor
            .chain()
            .focus()
            .insertContent({ type: "embed", attrs: { url: answer.url, provider: answer.provider } })
            .run()
          close()
        })
        .catch(() => {
          status.textContent = "The address cannot be checked right now: try again."
        })
    }
    url.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault()
        embed()
      }
    })
    return [
      field(
        "Address to embed",
        url,
        "Paste the address of the post, video, document or chart. Readers load it only when they choose to.",
      ),
      status,
      crel("p", {}, [crel("button", { type: "button", textContent: "Embed", onclick: embed })]),
    ]
  })
}

function hostName(url) {
  try {
    return new URL(url).hostname.replace(/^www\./, "")
  } catch {
    return "an allowed provider"
  }
}

// --- the nodes ---

export const InlinePhoto = Node.create({
  name: "inlinePhoto",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { pickerUrl: "", uploadUrl: "", libraryUrl: "", stylesheet: "" }
  },

  onCreate() {
    addStylesheet(this.options.stylesheet)
    nameTheEditingArea(this.editor)
  },

  addAttributes() {
    return {
      photoId: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-photo-id"),
        renderHTML: (attributes) => ({ "data-photo-id": attributes.photoId }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-photo-id]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    const options = this.options
    return ({ node }) => {
      const dom = crel("figure", {
        className: "body-media body-media--photo",
        contentEditable: "false",
        "data-photo-id": node.attrs.photoId,
      })
      dom.append(crel("span", { textContent: `Photo ${node.attrs.photoId}…` }))
      photoCard(options.pickerUrl, String(node.attrs.photoId)).then((card) => {
        dom.replaceChildren(
          ...(card
            ? cardBody(card, options.libraryUrl)
            : [crel("span", { textContent: "This photo is no longer in the library: remove it." })]),
        )
      })
      return { dom }
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "inlinePhoto",
      groups: "nodes media",
      command: (editor) => photoDialog(editor, this.options),
      button: buttons.material("add_photo_alternate", "Insert photo"),
    })
  },
})

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { checkUrl: "" }
  },

  addAttributes() {
    return {
      url: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-embed"),
        renderHTML: (attributes) => ({ "data-embed": attributes.url }),
      },
      // Shown in the editor only; the server works the provider out again from the address.
      provider: { default: "", rendered: false },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-embed]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    return ({ node }) => {
      const label = `Embed from ${node.attrs.provider || hostName(node.attrs.url)}`
      return {
        dom: crel("figure", { className: "body-media body-media--embed", contentEditable: "false" }, [
          crel("span", { className: "body-media__thumb body-media__thumb--embed", textContent: "▶" }),
          crel("figcaption", { className: "body-media__text" }, [
            crel("span", { className: "body-media__caption", textContent: label }),
            crel("span", { className: "body-media__credit", textContent: node.attrs.url }),
          ]),
        ]),
      }
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes media",
      command: (editor) => embedDialog(editor, this.options),
      button: buttons.material("smart_display", "Embed a post, video, document or chart"),
    })
  },
})
